using Akka.Event;
using Akka.TestKit.Xunit2;

namespace Janus.Actors.Tests.Servers;

/// <summary>
/// What a server's home says when its Janus restarted (<see cref="RestartNews"/>): one line for the server, never one per
/// session, and nothing when a single session was merely gone. The real restarts are proven in
/// <c>SeveralServersSpecs</c> (while the host runs) and <c>HostCrashSpecs</c> (while it was dead).
/// </summary>
[Trait(SpecKind.Name, SpecKind.InProcess)]
public sealed class RestartNewsSpecs : TestKit
{
    private readonly RestartNews _news;

    public RestartNewsSpecs() => _news = new RestartNews("b", Sys.Log);

    [Fact]
    public void Every_claim_since_this_start_answered_458_says_the_server_restarted_once_all_are_answered()
    {
        foreach (var key in new[] { "k1", "k2", "k3" }) _news.Claiming(key);
        _news.Ended("k1", 458);
        _news.Ended("k2", 458);
        EventFilter.Warning(contains: "restarted").Expect(0, () => _news.Say()); // k3 is still claiming
        Assert.True(_news.Gathering);

        _news.Ended("k3", 458);
        EventFilter.Warning(start: "Janus server 'b' answered 458 No such session to all 3 of its sessions claimed since this start")
            .ExpectOne(() => _news.Say());
        Assert.False(_news.Gathering);

        _news.Claiming("k4"); // judged once per start
        _news.Ended("k4", 458);
        EventFilter.Warning().Expect(0, () => _news.Say());
    }

    [Fact]
    public void One_reclaimed_session_or_one_lone_458_says_nothing()
    {
        foreach (var key in new[] { "k1", "k2", "k3" }) _news.Claiming(key);
        _news.Ended("k1", 458);
        _news.Ended("k2", 458);
        _news.Reclaimed("k3");
        EventFilter.Warning().Expect(0, () => _news.Say());

        var lone = new RestartNews("c", Sys.Log);
        lone.Claiming("k1");
        lone.Ended("k1", 458);
        EventFilter.Warning().Expect(0, () => lone.Say());
    }

    [Fact]
    public void Sessions_lost_to_a_restart_while_running_are_said_in_one_line_with_their_count()
    {
        _news.LostToRestart();
        _news.LostToRestart();
        Assert.True(_news.Gathering);

        EventFilter.Warning(start: "Janus server 'b' restarted: 2 of its sessions ended lost").ExpectOne(() => _news.Say());
        Assert.False(_news.Gathering);
        EventFilter.Warning().Expect(0, () => _news.Say());
    }
}
