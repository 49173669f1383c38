using System.Net;
using Xunit;

namespace Janus.Actors.Tests.Host;

/// <summary>Starting, health, stopping and crashing the real host process, without Janus behind it.</summary>
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
    public async Task Health_is_503_with_the_reason_when_the_journal_cannot_be_reached()
    {
        var settings = NoJanus();
        settings["Journal:Provider"] = "postgresql";
        // Port 9 (discard) on loopback: nothing listens, so the connection is refused at once.
        settings["Journal:ConnectionString"] = "Host=127.0.0.1;Port=9;Username=janus;Password=never-shown;Database=janus;Timeout=2";
        await using var host = new HostProcess(settings);

        await host.StartListeningAsync();

        using var response = await host.Http.GetAsync("healthz");
        var body = await host.ReadJsonAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("unavailable", body.GetProperty("status").GetString());
        var reason = body.GetProperty("reason").GetString();
        Assert.False(string.IsNullOrWhiteSpace(reason));
        Assert.DoesNotContain("never-shown", reason);
        Assert.DoesNotContain("never-shown", host.Log());
    }

    [Fact]
    public async Task A_start_that_never_becomes_healthy_fails_and_leaves_no_process_behind()
    {
        var settings = NoJanus();
        settings["Journal:Provider"] = "postgresql";
        settings["Journal:ConnectionString"] = "Host=127.0.0.1;Port=9;Username=janus;Password=x;Database=janus;Timeout=2";
        await using var host = new HostProcess(settings);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(TimeSpan.FromSeconds(5)));

        Assert.Contains("did not become healthy", failure.Message);
        Assert.True(host.HasExited, "StartAsync must kill a host it gave up on");
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
