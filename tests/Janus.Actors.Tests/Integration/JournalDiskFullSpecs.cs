namespace Janus.Actors.Tests.Integration;

/// <summary>
/// The file system under a SQLite journal fills up (a real one: a small tmpfs, mounted as root as CI runs): the write
/// that needed the journal fails at once with a clear error, the sessions that need no write keep working, nothing in
/// the journal is damaged, and once space is freed the session comes back by itself and writes resume.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class JournalDiskFullSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly JanusServer _janus = new(new JanusServerOptions { SessionTimeoutSeconds = 120, ReclaimSessionTimeoutSeconds = 100 });
    private SmallDisk _disk = null!;

    public async Task InitializeAsync()
    {
        await _janus.StartAsync();
        _disk = await SmallDisk.MountAsync(4);
    }

    public async Task DisposeAsync()
    {
        await _disk.DisposeAsync();
        await _janus.DisposeAsync();
    }

    [Fact]
    public async Task A_full_disk_refuses_the_write_that_needs_it_keeps_the_other_sessions_going_and_loses_nothing()
    {
        var journal = Path.Combine(_disk.Folder, "janus-actors.db");
        var options = JournalOutageSpecs.ComingBackQuickly(_janus);
        await using var app = await InProcessSessions.StartAsync(options, journal);
        var janusId = (await app.Sessions.CreateAsync("call-1", JanusTransportKind.WebSocket)).JanusSessionId;
        await app.Sessions.CreateAsync("call-2", JanusTransportKind.WebSocket);
        var echo = await app.Sessions.AttachAsync("call-2", "janus.plugin.echotest");

        var filler = _disk.Fill();
        var refused = await Assert.ThrowsAsync<JanusSessionUnavailableException>(() => app.Sessions.AttachAsync("call-1", "janus.plugin.echotest"));
        Assert.Contains($"journal unavailable (SQLite journal {journal})", refused.Message); // names the file to free space under
        Assert.Contains("full", refused.Message); // SQLite's own words: database or disk is full
        // call-2 needs no journal write to talk to its plugin: it carries on.
        var echoed = await app.Sessions.SendAsync("call-2", echo, JsonDocument.Parse("""{"audio":true}""").RootElement);
        Assert.Equal("ok", echoed.PluginData!.Value.GetProperty("data").GetProperty("result").GetString());

        File.Delete(filler);
        var back = await Eventually.ReturnsAsync(() => app.Sessions.GetAsync("call-1"),
            s => s is { State: JanusSessionStatus.Active }, Patience, "call-1 back once space is freed");
        Assert.Equal(janusId, back!.JanusSessionId);
        var handle = await app.Sessions.AttachAsync("call-1", "janus.plugin.echotest"); // writes resume
        Assert.Equal(handle, Assert.Single((await app.Sessions.GetAsync("call-1"))!.Handles).HandleId);
        await app.StopAsync();

        using (var check = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={journal};Pooling=False"))
        {
            check.Open();
            using var command = check.CreateCommand();
            command.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", command.ExecuteScalar());
        }
        await using var next = await InProcessSessions.StartAsync(options, journal); // and the next process has both
        var recovered = await Eventually.ReturnsAsync(() => next.Sessions.ListAsync(), list => list.Count(s => s.State == JanusSessionStatus.Active) == 2,
            Patience, "both sessions reclaimed from the journal");
        Assert.Equal([1, 1], recovered.OrderBy(s => s.Key).Select(s => s.Handles.Count));
    }
}
