namespace Janus.Actors.Tests.Host;

/// <summary>
/// Unusable configuration, or a journal that cannot be reached, stops the host before it serves anything: exit code 2 and
/// one clear line naming the setting,
/// without a stack trace and without any secret from the configuration.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class HostConfigurationSpecs
{
    private const string ApiSecret = "janus-api-secret-that-must-not-leak";
    private const string ApiToken = "api-token-that-must-not-leak";
    private const string DatabasePassword = "db-password-that-must-not-leak";

    /// <summary>Valid settings for a cluster node's journal (nothing listens on port 9: the settings are refused before it is tried).</summary>
    private static readonly string[] ClusterJournal =
        ["Janus:WebSocketUrl=ws://127.0.0.1:9/", "Journal:Provider=postgresql", $"Journal:ConnectionString=Host=127.0.0.1;Port=9;Username=janus;Password={DatabasePassword}"];

    public static TheoryData<string, string[]> BadSettings => new()
    {
        { "Janus:WebSocketUrl", ["Janus:WebSocketUrl=not a url"] },
        { "Janus:WebSocketUrl", ["Janus:WebSocketUrl=http://127.0.0.1:8188/"] },
        { "Janus:RestUrl", ["Janus:RestUrl=ws://127.0.0.1:8088/janus"] },
        { "Janus:WebSocketUrl", [] }, // neither Janus URL
        { "Janus:Servers", ["Janus:Servers:0:Name=a", "Janus:Servers:0:WebSocketUrl=ws://127.0.0.1:9/", "Janus:Servers:1:Name=a", "Janus:Servers:1:RestUrl=http://127.0.0.1:9/janus"] },
        { "Janus:Servers:0", ["Janus:Servers:0:Name=a", "Janus:Servers:0:WebSocketUrl=ws://127.0.0.1:9/", "Janus:Servers:0:Capacity=lots"] },
        { "Janus:Servers:0", ["Janus:Servers:0:Name=a", "Janus:Servers:0:WebSocketUrl=ws://127.0.0.1:9/", "Janus:Servers:0:Capcity=3"] },
        { "Janus:Servers", ["Janus:Servers:0:Name=a b", "Janus:Servers:0:AdminUrl=http://127.0.0.1:9/admin"] },
        { "Janus:ServerProbeInterval", ["Janus:WebSocketUrl=ws://127.0.0.1:9/", "Janus:ServerProbeInterval=soon"] },
        { "Janus:WebSocketConnections", ["Janus:WebSocketUrl=ws://127.0.0.1:9/", "Janus:WebSocketConnections=0"] },
        { "Janus:WebSocketConnections", ["Janus:WebSocketUrl=ws://127.0.0.1:9/", "Janus:WebSocketConnections=many"] },
        { "Janus:RestConnectionLimit", ["Janus:RestUrl=http://127.0.0.1:9/janus", "Janus:RestConnectionLimit=lots"] },
        { "RestConnectionLimit (10) must exceed RestRequestConnections (16)", ["Janus:RestUrl=http://127.0.0.1:9/janus", "Janus:RestConnectionLimit=10"] },
        { "Janus:RestRequestConnections", ["Janus:RestUrl=http://127.0.0.1:9/janus", "Janus:RestRequestConnections=1"] },
        // Every library tunable is a host setting, checked by the library's own rule; an unknown one is refused.
        { "Janus:MaxReclaimBackoff cannot be read as a time span", ["Janus:WebSocketUrl=ws://127.0.0.1:9/", "Janus:MaxReclaimBackoff=soon"] },
        { "Janus:KeepAliveInterval must be positive", ["Janus:WebSocketUrl=ws://127.0.0.1:9/", "Janus:KeepAliveInterval=00:00:00"] },
        { "Janus:MaxMissedKeepAlives must be at least 1", ["Janus:WebSocketUrl=ws://127.0.0.1:9/", "Janus:MaxMissedKeepAlives=0"] },
        { "Janus has a setting this host does not know ('KeepAliveIntervall')", ["Janus:WebSocketUrl=ws://127.0.0.1:9/", "Janus:KeepAliveIntervall=00:00:05"] },
        { "Journal:Provider", ["Janus:WebSocketUrl=ws://127.0.0.1:9/", "Journal:Provider=mysql"] },
        { "Journal:ConnectionString", ["Janus:WebSocketUrl=ws://127.0.0.1:9/", "Journal:Provider=postgresql"] },
        {
            "Journal:ConnectionString",
            ["Janus:WebSocketUrl=ws://127.0.0.1:9/", "Journal:Provider=postgresql", $"Journal:ConnectionString=Host=127.0.0.1;Password={DatabasePassword};Frobnicate=yes"]
        },
        { "Journal:ConnectionString", ["Janus:WebSocketUrl=ws://127.0.0.1:9/", "Journal:ConnectionString=Data Source=:memory:"] },
        { "Api:Urls", ["Janus:WebSocketUrl=ws://127.0.0.1:9/", "Api:Urls=ftp://127.0.0.1:{port}"] },
        { "Api:Urls", ["Janus:WebSocketUrl=ws://127.0.0.1:9/", "Api:Urls=127.0.0.1:{port}"] },
        // Port 9 (discard) on loopback: nothing listens, so the journal is refused at once. Fail fast, not degraded.
        {
            "Journal:ConnectionString",
            ["Janus:WebSocketUrl=ws://127.0.0.1:9/", "Journal:Provider=postgresql", $"Journal:ConnectionString=Host=127.0.0.1;Port=9;Username=janus;Password={DatabasePassword};Database=janus;Timeout=2"]
        },
        { "Akka:Hocon", ["Janus:WebSocketUrl=ws://127.0.0.1:9/", "Akka:Hocon=akka.persistence { max-concurrent-recoveries = "] },
        { "Logging:Format", ["Janus:WebSocketUrl=ws://127.0.0.1:9/", "Logging:Format=xml"] },
        { "Cluster:Enabled", ["Janus:WebSocketUrl=ws://127.0.0.1:9/", "Cluster:Enabled=yes"] },
        { "Journal:Standby", ["Janus:WebSocketUrl=ws://127.0.0.1:9/", "Journal:Standby=perhaps"] },
        { "Journal:EndedSessionRetention", ["Janus:WebSocketUrl=ws://127.0.0.1:9/", "Journal:EndedSessionRetention=an hour"] },
        { "Journal:EndedSessionRetention", ["Janus:WebSocketUrl=ws://127.0.0.1:9/", "Journal:EndedSessionRetention=-00:00:01"] },
        { "Journal:Standby", [.. ClusterJournal, "Journal:Standby=true", "Cluster:Enabled=true", "Cluster:Port=4053", "Cluster:Seeds=127.0.0.1:4053"] },
        // A cluster needs one journal every node reaches: not a SQLite file.
        { "Journal:Provider", ["Janus:WebSocketUrl=ws://127.0.0.1:9/", "Cluster:Enabled=true", "Cluster:Port=4053", "Cluster:Seeds=127.0.0.1:4053"] },
        { "Cluster:Port", [.. ClusterJournal, "Cluster:Enabled=true", "Cluster:Seeds=127.0.0.1:4053"] },
        { "Cluster:Port", [.. ClusterJournal, "Cluster:Enabled=true", "Cluster:Port=70000", "Cluster:Seeds=127.0.0.1:4053"] },
        { "Cluster:Seeds", [.. ClusterJournal, "Cluster:Enabled=true", "Cluster:Port=4053"] },
        { "Cluster:Discovery", [.. ClusterJournal, "Cluster:Enabled=true", "Cluster:Port=4053", "Cluster:Discovery=dns"] },
        { "Cluster:ContactPoints", [.. ClusterJournal, "Cluster:Enabled=true", "Cluster:Port=4053", "Cluster:Discovery=config"] },
        { "Cluster:Seeds", [.. ClusterJournal, "Cluster:Enabled=true", "Cluster:Port=4053", "Cluster:Discovery=kubernetes", "Cluster:Seeds=127.0.0.1:4053"] },
        { "Cluster:Seeds", [.. ClusterJournal, "Cluster:Enabled=true", "Cluster:Port=4053", "Cluster:Seeds=127.0.0.1"] },
        { "Cluster:Hostname", [.. ClusterJournal, "Cluster:Enabled=true", "Cluster:Port=4053", "Cluster:Seeds=127.0.0.1:4053", "Cluster:Hostname=not a host"] },
        // A SQLite file whose directory cannot be created: a regular file stands where the directory should be.
        { "Journal:ConnectionString", ["Janus:WebSocketUrl=ws://127.0.0.1:9/", "Journal:ConnectionString=Data Source=host.log/janus-actors.db"] },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task Bad_setting_exits_with_code_2_and_one_line_naming_it(string setting, string[] values)
    {
        var settings = values.Select(v => v.Split('=', 2)).ToDictionary(kv => kv[0], kv => (string?)kv[1]);
        settings["Janus:ApiSecret"] = ApiSecret;
        settings["Api:Token"] = ApiToken;
        await using var host = new HostProcess(settings);

        var exitCode = await host.RunToExitAsync();

        var log = host.Log();
        Assert.True(exitCode == 2, $"exit code {exitCode}, log:\n{log}");
        var lines = log.Split('\n').Where(l => l.Contains("Invalid configuration", StringComparison.Ordinal)).ToArray();
        var line = Assert.Single(lines);
        Assert.Contains(setting, line);
        Assert.DoesNotContain("   at ", log); // no stack trace
        Assert.DoesNotContain("Exception", log);
        Assert.DoesNotContain(ApiSecret, log);
        Assert.DoesNotContain(ApiToken, log);
        Assert.DoesNotContain(DatabasePassword, log);
    }

    [Theory]
    [InlineData("not a database")]
    [InlineData("damaged pages")]
    public async Task A_damaged_SQLite_journal_stops_the_host_with_one_line_naming_the_file_and_is_left_as_it_was(string damage)
    {
        var folder = Directory.CreateTempSubdirectory("janus-actors-damaged-").FullName;
        var journal = Path.Combine(folder, "janus-actors.db");
        if (damage == "not a database") await File.WriteAllBytesAsync(journal, System.Security.Cryptography.RandomNumberGenerator.GetBytes(8192));
        else WriteDatabaseWithADamagedPage(journal);
        var before = await File.ReadAllBytesAsync(journal);
        await using var host = new HostProcess(new Dictionary<string, string?>
        {
            ["Janus:WebSocketUrl"] = "ws://127.0.0.1:9/",
            ["Journal:ConnectionString"] = $"Data Source={journal}",
        });

        var exitCode = await host.RunToExitAsync();

        Assert.True(exitCode == 2, $"exit code {exitCode}, log:\n{host.Log()}");
        var line = Assert.Single(host.Log().Split('\n'), l => l.Contains("Invalid configuration", StringComparison.Ordinal));
        Assert.Contains($"SQLite journal {journal} is damaged", line);
        Assert.Contains("restore it from a backup, or move it aside to start on an empty journal", line);
        Assert.DoesNotContain("   at ", host.Log());
        Assert.Equal(before, await File.ReadAllBytesAsync(journal)); // never replaced by an empty journal, never "repaired"
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>A SQLite file of some 60 pages whose fourth page is overwritten with 0xFF, as a failing disk leaves one.</summary>
    private static void WriteDatabaseWithADamagedPage(string path)
    {
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE rows (payload BLOB); " +
                                  "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) INSERT INTO rows SELECT randomblob(100) FROM n;";
            command.ExecuteNonQuery();
        }
        using var file = File.OpenWrite(path);
        file.Position = 3 * 4096;
        file.Write(Enumerable.Repeat((byte)0xFF, 4096).ToArray());
    }

    [Fact]
    public async Task Secrets_are_read_from_files_named_after_their_setting()
    {
        // As docker-compose.yml mounts them: /run/secrets/Api__Token, written with a trailing newline as `echo` does.
        var secrets = Directory.CreateTempSubdirectory("janus-actors-secrets-").FullName;
        await File.WriteAllTextAsync(Path.Combine(secrets, "Api__Token"), ApiToken + "\n");
        await using var host = new HostProcess(new Dictionary<string, string?>
        {
            ["Janus:WebSocketUrl"] = "ws://127.0.0.1:9/",
            ["JANUS_ACTORS_SECRETS"] = secrets,
        });
        try
        {
            await host.StartAsync();

            using (var anonymous = host.CreateClient(null))
                Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await anonymous.GetAsync("v1/sessions")).StatusCode);
            using (var client = host.CreateClient(ApiToken))
                Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("v1/sessions")).StatusCode);
            Assert.Contains("API token set", host.Log());
            Assert.DoesNotContain(ApiToken, host.Log());
        }
        finally
        {
            Directory.Delete(secrets, recursive: true);
        }
    }
}
