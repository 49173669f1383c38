using Janus.Actors.Protocol;
using Janus.Actors.Tests.Integration;

namespace Janus.Actors.Tests.Fixtures;

/// <summary>
/// The chaos soak's witness hears what Janus itself says: its sample event handler posts each session created,
/// destroyed and timed out, and each handle attached — what the soak's checker holds the host to.
/// </summary>
[Trait(SpecKind.Name, SpecKind.EndToEnd)]
public sealed class JanusWitnessSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly JanusWitness _witness = new();
    private JanusServer _janus = null!;

    public async Task InitializeAsync()
    {
        _janus = new JanusServer(new JanusServerOptions { SessionTimeoutSeconds = 2, EventHandlerUrl = _witness.UrlFor("janus-0") });
        await _janus.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _janus.DisposeAsync();
        await _witness.DisposeAsync();
    }

    [Fact]
    public async Task Janus_tells_the_witness_of_a_create_an_attach_a_destroy_and_a_timeout()
    {
        await using var client = await _janus.ConnectRawClientAsync();
        var destroyed = await client.CreateSessionAsync();
        await client.AttachAsync(destroyed, "janus.plugin.echotest");
        await client.RequestAsync(JanusRequests.Destroy(client.NewTransaction(), destroyed));
        var forgotten = await client.CreateSessionAsync(); // no keep-alive: Janus times it out after 2 s

        await Eventually.TrueAsync(() => Task.FromResult(_witness.EndOf("janus-0", destroyed) is not null && _witness.EndOf("janus-0", forgotten) is not null),
            Patience, "Janus's word on both sessions");

        Assert.NotNull(_witness.CreatedAt("janus-0", destroyed));
        Assert.NotNull(_witness.LastAttachTo("janus-0", destroyed));
        Assert.Equal("destroyed", _witness.EndOf("janus-0", destroyed));
        Assert.Equal("timeout", _witness.EndOf("janus-0", forgotten));
        Assert.Null(_witness.LastAttachTo("janus-0", forgotten));
        Assert.Equal(0, _witness.Malformed);
    }
}
