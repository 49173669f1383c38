namespace Janus.Actors.Tests.Sessions;

/// <summary>Which claim failures end a session (<see cref="ClaimFailures"/>), and how long the others wait (<see cref="ReclaimBackoff"/>).</summary>
[Trait(SpecKind.Name, SpecKind.InProcess)]
public sealed class ClaimFailuresSpecs
{
    [Theory]
    [InlineData(458)]
    [InlineData(403)]
    [InlineData(457)]
    public void Final_Janus_answers_end_the_session(int code)
    {
        Assert.True(ClaimFailures.EndsTheSession(code));
        Assert.True(new JanusSessionReclaimException("k", 1, code, "refused").IsFinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(490)]
    [InlineData(472)]
    public void Transient_claim_failures_are_tried_again(int? code)
    {
        if (code is { } janusCode) Assert.False(ClaimFailures.EndsTheSession(janusCode));
        Assert.False(new JanusSessionReclaimException("k", 1, code, "unreachable").IsFinal);
    }

    [Fact]
    public void A_lapsed_reclaim_window_is_final_even_without_a_Janus_code() =>
        Assert.True(new JanusSessionReclaimException("k", 1, null, "lapsed", windowLapsed: true).IsFinal);

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
