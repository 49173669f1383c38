namespace Janus.Actors.Tests.Fixtures;

/// <summary>
/// xunit class fixture: one real Janus per test class, configured for crash tests (sessions outlive their socket for
/// 20 s, time out after 30 s without a request). Tests that change Janus itself (restart, admin
/// <c>set_session_timeout</c>, other timeouts) create their own <see cref="JanusServer"/> instead.
/// </summary>
public sealed class JanusFixture : IAsyncLifetime
{
    /// <summary>The <c>session_timeout</c> of the shared server.</summary>
    public const int SessionTimeoutSeconds = 30;

    /// <summary>The <c>reclaim_session_timeout</c> of the shared server.</summary>
    public const int ReclaimSessionTimeoutSeconds = 20;

    /// <summary>The running server; valid between <see cref="InitializeAsync"/> and <see cref="DisposeAsync"/>.</summary>
    public JanusServer Server { get; } = new(new JanusServerOptions
    {
        SessionTimeoutSeconds = SessionTimeoutSeconds,
        ReclaimSessionTimeoutSeconds = ReclaimSessionTimeoutSeconds,
    });

    public Task InitializeAsync() => Server.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
