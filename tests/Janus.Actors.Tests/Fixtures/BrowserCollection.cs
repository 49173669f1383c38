namespace Janus.Actors.Tests.Fixtures;

/// <summary>
/// Specs that run a headless Chromium publishing its fake camera (<see cref="WebRtcPeer"/>): it takes a whole core for its
/// video encoder, which beside a three-node cluster spec on two cores starved that cluster's failure detector into
/// downing a healthy node (seen in CI). They run alone, after the parallel collections.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection
{
    public const string Name = "A headless browser";
}
