using Akka.Hosting;
using Janus.Actors.Cluster;
using Janus.Actors.Tests.Integration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Janus.Actors.Tests.Hosting;

/// <summary>
/// The options the .NET way: bound from a configuration section, checked when the application starts (every mistake at
/// once, in the library's terms), and usable by an application that configures Akka.Hosting itself.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class JanusSessionsOptionsSpecs(JanusFixture janus) : IClassFixture<JanusFixture>
{
    private static IConfigurationSection Section(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(v => "JanusSessions:" + v.Key, v => v.Value))
            .Build().GetSection("JanusSessions");

    private static IHost Build(Action<HostApplicationBuilder> configure)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        configure(builder);
        return builder.Build();
    }

    [Fact]
    public void A_section_binds_every_part_of_the_options()
    {
        using var host = Build(b => b.Services.AddJanusSessions(Section(new()
        {
            ["Janus:WebSocketUrl"] = "ws://127.0.0.1:8188/",
            ["Janus:RequestTimeout"] = "00:00:03",
            ["Janus:WebSocketConnections"] = "2",
            ["Journal:Provider"] = "postgresql",
            ["Journal:ConnectionString"] = "Host=127.0.0.1;Database=janus",
            ["Cluster:Hostname"] = "10.0.0.5",
            ["Cluster:Port"] = "4051",
            ["Cluster:Seeds:0"] = "10.0.0.5:4051",
            ["Cluster:Seeds:1"] = "10.0.0.6:4051",
        })));

        var options = host.Services.GetRequiredService<IOptions<JanusSessionsOptions>>().Value;

        Assert.Equal(new Uri("ws://127.0.0.1:8188/"), options.Janus.WebSocketUrl);
        Assert.Equal(TimeSpan.FromSeconds(3), options.Janus.RequestTimeout);
        Assert.Equal(2, options.Janus.WebSocketConnections);
        Assert.Equal(TimeSpan.FromSeconds(15), options.Janus.KeepAliveInterval); // unset keys keep their defaults
        Assert.Equal(new JanusJournalOptions(JanusJournalProvider.PostgreSql, "Host=127.0.0.1;Database=janus"), options.Journal);
        Assert.Equal("10.0.0.5:4051", options.Cluster!.Node);
        Assert.Equal(["10.0.0.5:4051", "10.0.0.6:4051"], options.Cluster.Seeds);
    }

    [Fact]
    public async Task An_unusable_section_stops_the_start_naming_every_mistake_at_once()
    {
        var failures = await FailuresAtStartAsync(new()
        {
            ["Janus:WebSocketUrl"] = "http://127.0.0.1:8188/",
            ["Janus:RequestTimeout"] = "00:00:00",
            ["Journal:Provider"] = "sqlite",
            ["Cluster:Hostname"] = "10.0.0.5",
            ["Cluster:Port"] = "0",
            ["Cluster:Seeds:0"] = "not-a-seed",
        });

        Assert.Equal(
        [
            "Invalid JanusSessionsOptions: Janus: WebSocketUrl must be an absolute ws:// or wss:// URL",
            "Invalid JanusSessionsOptions: Janus: RequestTimeout must be positive",
            "Invalid JanusSessionsOptions: Journal: ConnectionString must be set (SQLite: \"Data Source=path/to/janus-sessions.db\")",
            "Invalid JanusSessionsOptions: Cluster: a cluster needs a journal every node can reach: Journal.Provider must be PostgreSql",
            "Invalid JanusSessionsOptions: Cluster: Port must be a TCP port (1-65535)",
            "Invalid JanusSessionsOptions: Cluster: Seeds has 'not-a-seed', which is not host:port",
        ], failures);
    }

    [Fact]
    public async Task A_server_entry_that_does_not_bind_stops_the_start_instead_of_vanishing()
    {
        var failures = await FailuresAtStartAsync(new()
        {
            ["Janus:Servers:0:Name"] = "janus-a",
            ["Janus:Servers:0:WebSocketUrl"] = "ws://127.0.0.1:8188/",
            ["Janus:Servers:1:Name"] = "janus-b",
            ["Janus:Servers:1:WebSocketUrl"] = "ws://127.0.0.1:8189/",
            ["Janus:Servers:1:Capacity"] = "lots",
            ["Janus:Servers:0:Capcity"] = "3",
            ["Journal:ConnectionString"] = "Data Source=unused.db",
        });

        Assert.Contains(failures, f => f.StartsWith("JanusSessions:Janus:Servers:0:Capcity is not a server setting", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("JanusSessions:Janus:Servers has entries that could not be read", StringComparison.Ordinal));
    }

    /// <summary>The failures an application with these <c>JanusSessions</c> settings stops its start with.</summary>
    private static async Task<IEnumerable<string>> FailuresAtStartAsync(Dictionary<string, string?> settings)
    {
        using var host = Build(b => b.Services.AddJanusSessions(Section(settings)));
        return (await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync())).Failures;
    }

    [Fact]
    public async Task Options_set_in_code_are_checked_at_start_too()
    {
        using var host = Build(b => b.Services.AddJanusSessions(options => options.Journal = new JanusJournalOptions(JanusJournalProvider.Sqlite, "Data Source=unused.db")));

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(["Invalid JanusSessionsOptions: Janus: WebSocketUrl or RestUrl (or both) must be set"], failure.Failures);
    }

    [Fact]
    public async Task An_application_with_its_own_AddAkka_runs_sessions_from_a_section_and_resumes_them_after_a_restart()
    {
        using var journal = new TestJournal();
        var section = Section(new()
        {
            ["Janus:WebSocketUrl"] = janus.Server.WebSocketUrl.ToString(),
            ["Journal:ConnectionString"] = $"Data Source={journal.File}",
        });
        IHost App() => Build(b =>
        {
            b.Services.AddJanusSessionServices(section);
            b.Services.AddAkka("my-backend", (akka, provider) =>
            {
                akka.WithJanusSessions(provider);
                akka.WithActors((system, registry) => registry.Register<MyActor>(system.ActorOf(Props.Empty, "mine")));
            });
        });

        long janusId;
        using (var first = App())
        {
            await first.StartAsync();
            Assert.Equal("my-backend", first.Services.GetRequiredService<ActorSystem>().Name);
            var created = await first.Services.GetRequiredService<IJanusSessions>().CreateOrResumeAsync("call-1", JanusTransportKind.WebSocket);
            Assert.True(created.Created);
            janusId = created.Session.JanusSessionId!.Value;
            await first.StopAsync();
        }

        using var second = App();
        await second.StartAsync();
        var resumed = await second.Services.GetRequiredService<IJanusSessions>().CreateOrResumeAsync("call-1", JanusTransportKind.WebSocket);
        Assert.False(resumed.Created);
        Assert.Equal(janusId, resumed.Session.JanusSessionId);
        var active = await Eventually.ReturnsAsync(() => second.Services.GetRequiredService<IJanusSessions>().GetAsync("call-1")!,
            s => s is { State: JanusSessionStatus.Active }, TimeSpan.FromSeconds(20), "call-1 reclaimed");
        Assert.Equal(1, active!.Reclaims);
        await second.StopAsync();
    }

    private sealed class MyActor;
}
