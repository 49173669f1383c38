using Janus.Actors.Supervision;

namespace Janus.Actors.Tests.Supervision;

[Trait(SpecKind.Name, SpecKind.InProcess)]
public sealed class ClaimFailureDeciderSpecs
{
    [Theory]
    [InlineData(458)]
    [InlineData(403)]
    [InlineData(457)]
    public void Final_Janus_answers_stop_the_session(int code) =>
        Assert.Equal(Directive.Stop, ClaimFailureDecider.Decide(new JanusSessionReclaimException("k", 1, code, "refused")));

    [Theory]
    [InlineData(null)]
    [InlineData(490)]
    [InlineData(472)]
    public void Transient_claim_failures_restart_the_session(int? code) =>
        Assert.Equal(Directive.Restart, ClaimFailureDecider.Decide(new JanusSessionReclaimException("k", 1, code, "unreachable")));

    [Fact]
    public void A_lapsed_reclaim_window_is_final_even_without_a_Janus_code() =>
        Assert.Equal(Directive.Stop, ClaimFailureDecider.Decide(new JanusSessionReclaimException("k", 1, null, "lapsed", windowLapsed: true)));

    [Fact]
    public void Backoff_grows_exponentially_is_capped_and_jittered()
    {
        var backoff = new ReclaimBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), RandomFactor: 0.2);
        Assert.Equal(TimeSpan.Zero, backoff.DelayFor(0));
        Assert.InRange(backoff.DelayFor(1).TotalMilliseconds, 100, 120);
        Assert.InRange(backoff.DelayFor(3).TotalMilliseconds, 400, 480);
        Assert.InRange(backoff.DelayFor(30).TotalMilliseconds, 1000, 1200);
    }
}
