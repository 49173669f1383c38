namespace Janus.Actors;

/// <summary>
/// Exponential backoff with jitter between <see cref="JanusOptions.MinReclaimBackoff"/> and <see cref="JanusOptions.MaxReclaimBackoff"/>:
/// a session's reclaim attempts, a REST transport's failed long polls, a region's restarts of a session after a journal failure.
/// </summary>
internal sealed record ReclaimBackoff(TimeSpan Min, TimeSpan Max, double RandomFactor = 0.2)
{
    /// <summary>The delay before attempt <paramref name="attempt"/> (1 = first retry): Min·2^(attempt-1), capped, plus jitter.</summary>
    public TimeSpan DelayFor(int attempt, Random? random = null)
    {
        if (attempt <= 0) return TimeSpan.Zero;
        var exponent = Math.Min(attempt - 1, 30);
        var baseMs = Math.Min(Max.TotalMilliseconds, Min.TotalMilliseconds * Math.Pow(2, exponent));
        var jitter = 1 + (random ?? Random.Shared).NextDouble() * RandomFactor;
        return TimeSpan.FromMilliseconds(Math.Min(Max.TotalMilliseconds * (1 + RandomFactor), baseMs * jitter));
    }
}
