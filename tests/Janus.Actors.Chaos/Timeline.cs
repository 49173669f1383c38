namespace Janus.Actors.Chaos;

/// <summary>One reading of the timeline: the host's sessions by state (empty while no host answers) and the machine's load.</summary>
public sealed record Sample(DateTime At, IReadOnlyDictionary<string, int> States, double Load);

/// <summary>Reads the host's session counts every second, for the timeline picture.</summary>
public sealed class Timeline : IAsyncDisposable
{
    private readonly List<Sample> _samples = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _sampling;

    public Timeline(IReadOnlyList<HostProcess> hosts)
    {
        var api = new HostApi(hosts, TimeSpan.FromSeconds(1));
        _sampling = Task.Run(async () =>
        {
            while (!_stopping.IsCancellationRequested)
            {
                var counts = await api.GetAsync("v1/session-counts");
                var states = counts.Is(HttpStatusCode.OK)
                    ? counts.Json.GetProperty("states").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32())
                    : new Dictionary<string, int>();
                lock (_samples) _samples.Add(new Sample(DateTime.UtcNow, states, ProcessReadings.Load()));
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), _stopping.Token); // the sampling period
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        });
    }

    public IReadOnlyList<Sample> Samples
    {
        get
        {
            lock (_samples) return [.. _samples];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _sampling;
    }
}
