namespace Janus.Actors.Tests.Host;

/// <summary>Starting, health, stopping and crashing the real host process, without Janus behind it.</summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class HostLifecycleSpecs
{
    /// <summary>A closed port: the host never reaches a Janus, and nothing here needs one.</summary>
    private static Dictionary<string, string?> NoJanus() => new() { ["Janus:WebSocketUrl"] = "ws://127.0.0.1:9/" };

    [Fact]
    public async Task Health_is_ok_with_the_default_sqlite_journal_under_the_working_directory()
    {
        await using var host = new HostProcess(NoJanus());

        await host.StartAsync();

        using var response = await host.Http.GetAsync("healthz");
        var body = await host.ReadJsonAsync(response, HttpStatusCode.OK);
        Assert.Equal("ok", body.GetProperty("status").GetString());
        Assert.True(File.Exists(Path.Combine(host.WorkingDirectory, "data", "janus-actors.db")), host.LogTail());
    }

    [Fact]
    public async Task Alive_but_not_ready_while_janus_does_not_answer()
    {
        await using var host = new HostProcess(NoJanus());
        await host.StartAsync();

        using var live = await host.Http.GetAsync("healthz");
        Assert.Equal("ok", (await host.ReadJsonAsync(live, HttpStatusCode.OK)).GetProperty("status").GetString());
        using var ready = await host.Http.GetAsync("readyz");
        var body = await host.ReadJsonAsync(ready, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("unavailable", body.GetProperty("status").GetString());
        Assert.Contains("Janus at ws://127.0.0.1:9/ did not answer info", body.GetProperty("reason").GetString());

        // A probe every second must not mean a warning every second: one when the reasons change (the first probes may also
        // find the journal scan under way), never the same twice in a row.
        for (var i = 0; i < 3; i++)
            using (var again = await host.Http.GetAsync("readyz"))
                Assert.Equal(HttpStatusCode.ServiceUnavailable, again.StatusCode);
        var warnings = host.Log().Split('\n').Where(line => line.Contains("Not ready: ", StringComparison.Ordinal))
            .Select(line => line[line.IndexOf("Not ready: ", StringComparison.Ordinal)..]).ToList();
        Assert.Contains(warnings, warning => warning.Contains("did not answer info", StringComparison.Ordinal));
        Assert.All(warnings.Zip(warnings.Skip(1)), pair => Assert.NotEqual(pair.Item1, pair.Item2));
    }

    [Fact]
    public async Task Not_ready_with_the_reason_when_the_journal_goes_away_after_start()
    {
        await using var host = new HostProcess(NoJanus());
        await host.StartAsync();

        // The SQLite file disappears under the running host (a volume unmounted, a cleanup gone wrong).
        Directory.Delete(Path.Combine(host.WorkingDirectory, "data"), recursive: true);

        using var ready = await host.Http.GetAsync("readyz");
        var reason = (await host.ReadJsonAsync(ready, HttpStatusCode.ServiceUnavailable)).GetProperty("reason").GetString();
        Assert.Contains("SQLite journal", reason);
        Assert.Contains("janus-actors.db", reason);
        using var live = await host.Http.GetAsync("healthz");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode); // alive: a restart would not bring the file back
    }

    [Fact]
    public async Task Readiness_needs_the_api_token_when_one_is_set_and_health_does_not()
    {
        var settings = NoJanus();
        settings["Api:Token"] = "probe-token";
        await using var host = new HostProcess(settings);
        await host.StartAsync();
        using var anonymous = host.CreateClient(null);

        using var live = await anonymous.GetAsync("healthz");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        using var ready = await anonymous.GetAsync("readyz");
        Assert.Equal(HttpStatusCode.Unauthorized, ready.StatusCode);
    }

    [Fact]
    public async Task A_start_that_never_becomes_healthy_fails_and_leaves_no_process_behind()
    {
        await using var host = new HostProcess(NoJanus());

        // No host answers /healthz within a millisecond of its launch.
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(TimeSpan.FromMilliseconds(1)));

        Assert.Contains("did not become healthy", failure.Message);
        Assert.True(host.HasExited, "StartAsync must kill a host it gave up on");
    }

    [Theory]
    [InlineData(null, "journal")]
    // The read journal (start-up scan) keeps its own copy of the table mapping: both must be overridden.
    [InlineData("akka.persistence.journal.sql.default.journal.table-name = session_events\nakka.persistence.query.journal.sql.default.journal.table-name = session_events", "session_events")]
    public async Task Akka_Hocon_overrides_the_embedded_hocon(string? hocon, string journalTable)
    {
        var settings = NoJanus();
        settings["Akka:Hocon"] = hocon;
        await using var host = new HostProcess(settings);
        await host.StartAsync();
        await host.WaitForLogAsync("Journal scanned"); // the journal has created its tables by then

        await using var journal = new Microsoft.Data.Sqlite.SqliteConnection(
            $"Data Source={Path.Combine(host.WorkingDirectory, "data", "janus-actors.db")};Mode=ReadOnly;Pooling=False");
        await journal.OpenAsync();
        await using var query = journal.CreateCommand();
        query.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $name";
        query.Parameters.AddWithValue("$name", journalTable);
        Assert.Equal(1L, (long)(await query.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Logging_Format_json_writes_one_compact_JSON_event_a_line_with_its_properties()
    {
        var settings = NoJanus();
        settings["Logging:Format"] = "json";
        await using var host = new HostProcess(settings);
        await host.StartAsync();

        var events = host.Log().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => !line.StartsWith("---- start #", StringComparison.Ordinal)) // HostProcess's own marker
            .Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement).ToList();
        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.True(e.TryGetProperty("@t", out _) && e.TryGetProperty("@mt", out _), e.ToString()));
        Assert.Contains(events, e => e.TryGetProperty("SourceContext", out var source) && source.GetString() == "Microsoft.Hosting.Lifetime");
    }

    [Fact]
    public async Task Sigterm_stops_the_host_gracefully_with_exit_code_0()
    {
        await using var host = new HostProcess(NoJanus());
        await host.StartAsync();

        var exitCode = await host.StopAsync();

        Assert.True(exitCode == 0, $"exit code {exitCode}. Log tail:\n{host.LogTail()}");
        Assert.Contains("Application is shutting down", host.Log());
    }

    [Fact]
    public async Task After_a_sigkill_the_host_starts_again_on_the_same_journal()
    {
        await using var host = new HostProcess(NoJanus());
        await host.StartAsync();
        var firstProcess = host.ProcessId;

        await host.KillAsync();
        Assert.True(host.HasExited);
        Assert.Equal(137, host.ExitCode); // 128 + SIGKILL: a crash, not a graceful stop

        await host.StartAsync();
        Assert.NotEqual(firstProcess, host.ProcessId);
        using var response = await host.Http.GetAsync("v1/sessions");
        await host.ReadJsonAsync(response, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Binding_beyond_loopback_without_a_token_logs_a_warning()
    {
        var settings = NoJanus();
        settings["Api:Urls"] = "http://0.0.0.0:{port}";
        await using var host = new HostProcess(settings);

        await host.StartAsync();

        var warning = await host.WaitForLogAsync("beyond loopback");
        Assert.Contains("WRN", warning);
        Assert.Contains("Api:Token", warning);
    }

    [Fact]
    public async Task Binding_loopback_only_logs_no_such_warning()
    {
        await using var host = new HostProcess(NoJanus());

        await host.StartAsync();

        Assert.DoesNotContain("beyond loopback", host.Log());
    }
}
