namespace Janus.Actors.Tests.Integration;

/// <summary>Waits for a condition by polling, never by sleeping a fixed time.</summary>
public static class Eventually
{
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, TimeSpan timeout, string waitingFor)
    {
        var deadline = DateTime.UtcNow + timeout;
        T last;
        while (true)
        {
            last = await probe();
            if (condition(last)) return last;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Still waiting for {waitingFor} after {timeout}; last seen: {last}");
            await Task.Delay(50);
        }
    }

    public static Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string waitingFor) =>
        ReturnsAsync(condition, ok => ok, timeout, waitingFor);
}
