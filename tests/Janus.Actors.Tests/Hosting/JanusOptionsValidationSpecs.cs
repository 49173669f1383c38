using Microsoft.Extensions.DependencyInjection;

namespace Janus.Actors.Tests.Hosting;

/// <summary>A mistake in the options stops the application when it registers the sessions, in the library's own words.</summary>
[Trait(SpecKind.Name, SpecKind.InProcess)]
public sealed class JanusOptionsValidationSpecs
{
    private static readonly JanusOptions Valid = new() { WebSocketUrl = new Uri("ws://127.0.0.1:8188/") };

    public static TheoryData<JanusOptions, string> Mistakes => new()
    {
        { new JanusOptions(), "WebSocketUrl or RestUrl (or both) must be set" },
        { Valid with { WebSocketUrl = new Uri("http://127.0.0.1:8188/") }, "WebSocketUrl must be an absolute ws:// or wss:// URL" },
        { Valid with { RestUrl = new Uri("ws://127.0.0.1:8088/janus") }, "RestUrl must be an absolute http:// or https:// URL" },
        { Valid with { AdminUrl = new Uri("tcp://127.0.0.1:7088/admin"), AdminSecret = "a" }, "AdminUrl must be an absolute http:// or https:// or ws:// or wss:// URL" },
        { Valid with { AdminUrl = new Uri("http://127.0.0.1:7088/admin") }, "AdminUrl needs AdminSecret" },
        { Valid with { RequestTimeout = TimeSpan.Zero }, "RequestTimeout must be positive" },
        { Valid with { KeepAliveInterval = TimeSpan.FromSeconds(-1) }, "KeepAliveInterval must be positive" },
        { Valid with { MinReclaimBackoff = TimeSpan.FromSeconds(10), MaxReclaimBackoff = TimeSpan.FromSeconds(1) }, "MaxReclaimBackoff must not be below MinReclaimBackoff" },
        { Valid with { WebSocketConnections = 0 }, "WebSocketConnections must be from 1 to 64" },
        { Valid with { WebSocketConnections = 65 }, "WebSocketConnections must be from 1 to 64" },
        { Valid with { MaxMissedKeepAlives = 0 }, "MaxMissedKeepAlives must be at least 1" },
        { Valid with { MaxMessageBytes = 10 }, "MaxMessageBytes must be at least 1024" },
        { Valid with { RestRequestConnections = 1 }, "RestRequestConnections must be from 2 to 256 (one carries the info probe)" },
        {
            Valid with { RestUrl = new Uri("http://127.0.0.1:8088/janus"), RestConnectionLimit = 16 },
            "server 'default': RestConnectionLimit (16) must exceed RestRequestConnections (16), or no REST session has a connection for its long poll"
        },
        {
            new JanusOptions { RestConnectionLimit = 500, Servers = [new Janus.Actors.Servers.JanusServerSettings { Name = "a", RestUrl = new Uri("http://127.0.0.1:8088/janus") }] },
            "set Servers or the single-server settings (WebSocketUrl, RestUrl, ApiSecret, Token, AdminUrl, AdminSecret, RestConnectionLimit), not both"
        },
        {
            new JanusOptions { Servers = [new Janus.Actors.Servers.JanusServerSettings { Name = "a", RestUrl = new Uri("http://127.0.0.1:8088/janus"), RestConnectionLimit = 1 }] },
            "server 'a': RestConnectionLimit must be at least 2"
        },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void Registering_sessions_with_a_mistake_throws_naming_it(JanusOptions options, string expected)
    {
        var services = new ServiceCollection();

        var failure = Assert.Throws<ArgumentException>(() =>
            services.AddJanusSessions(options, new JanusJournalOptions(JanusJournalProvider.Sqlite, "Data Source=unused.db")));

        Assert.StartsWith("Invalid JanusOptions: ", failure.Message);
        Assert.Contains(expected, failure.Message);
    }

    [Fact]
    public void Every_mistake_is_named_at_once()
    {
        var failure = Assert.Throws<ArgumentException>(() => (Valid with { RequestTimeout = TimeSpan.Zero, WebSocketConnections = 0 }).Validate());

        Assert.Contains("RequestTimeout must be positive", failure.Message);
        Assert.Contains("WebSocketConnections must be from 1 to 64", failure.Message);
    }

    [Fact]
    public void Defaults_with_one_url_are_valid() => Valid.Validate();
}
