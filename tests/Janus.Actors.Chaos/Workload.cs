namespace Janus.Actors.Chaos;

/// <summary>
/// A steady backend through the host's API: workers create sessions (every other one over REST), attach echotest
/// handles, send them messages and destroy sessions, keeping about <see cref="ChaosOptions.Sessions"/> live. What the
/// host acknowledged is remembered in <see cref="Ledger"/> for the checker; everything is logged in <see cref="Log"/>.
/// <see cref="PauseAsync"/> holds the workers between requests while the checker looks.
/// </summary>
public sealed class Workload(HostApi api, int liveTarget, int seed)
{
    private const int Workers = 6;
    private readonly List<Task> _workers = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _gate = new();
    private TaskCompletionSource _open = Opened();
    private int _inFlight;
    private TaskCompletionSource? _drained;
    private int _created;

    public OperationLog Log { get; } = new();

    public Ledger Ledger { get; } = new();

    public void Start()
    {
        for (var worker = 0; worker < Workers; worker++)
        {
            var random = new Random(HashCode.Combine(seed, worker));
            var index = worker;
            _workers.Add(Task.Run(() => RunAsync(index, random)));
        }
    }

    /// <summary>Holds every worker before its next request and waits for the requests in flight to end.</summary>
    public Task PauseAsync()
    {
        lock (_gate)
        {
            if (_open.Task.IsCompleted) _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_inFlight == 0) return Task.CompletedTask;
            _drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _drained.Task;
        }
    }

    public void Resume()
    {
        lock (_gate) _open.TrySetResult();
    }

    /// <summary>Stops the workers after their current request.</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync();
        Resume();
        await Task.WhenAll(_workers);
    }

    private async Task RunAsync(int worker, Random random)
    {
        var mine = new List<string>();
        while (!_stopping.IsCancellationRequested)
        {
            Task open;
            lock (_gate) open = _open.Task;
            await open;
            if (_stopping.IsCancellationRequested) return;
            lock (_gate) _inFlight++;
            try
            {
                await StepAsync(worker, random, mine);
            }
            finally
            {
                lock (_gate)
                    if (--_inFlight == 0) _drained?.TrySetResult();
            }
            await Task.Delay(random.Next(20, 120)); // a backend's pace, not a wait for a condition
        }
    }

    private async Task StepAsync(int worker, Random random, List<string> mine)
    {
        mine.RemoveAll(key => !Ledger.IsLive(key));
        var share = Math.Max(1, liveTarget / Workers);
        var roll = random.NextDouble();
        if (mine.Count < share && roll < 0.6 || mine.Count == 0)
        {
            var key = $"w{worker}-{Interlocked.Increment(ref _created)}";
            var transport = random.Next(2) == 0 ? "websocket" : "rest";
            await DoAsync("create", key, () => api.PostAsync("v1/sessions", new { key, transport }), HttpStatusCode.Created, _ => Ledger.Created(key, transport == "rest"));
            if (Ledger.IsLive(key)) mine.Add(key);
            return;
        }
        var target = mine[random.Next(mine.Count)];
        var handles = Ledger.HandlesOf(target);
        if (roll < 0.25 || mine.Count > share * 1.5)
            await DoAsync("destroy", target, () => api.DeleteAsync($"v1/sessions/{target}"), HttpStatusCode.NoContent,
                _ => Ledger.Destroyed(target), attempt: () => Ledger.DestroyAttempted(target));
        else if (handles.Count == 0 || (handles.Count < 2 && roll < 0.45))
            await DoAsync("attach", target, () => api.PostAsync($"v1/sessions/{target}/handles", new { plugin = "janus.plugin.echotest" }), HttpStatusCode.Created,
                answer => Ledger.Attached(target, answer.Json.GetProperty("handleId").GetInt64()));
        else
        {
            var handle = handles[random.Next(handles.Count)];
            await DoAsync("message", target, () => api.PostAsync($"v1/sessions/{target}/handles/{handle}/messages", new { body = new { audio = true } }),
                HttpStatusCode.OK, _ => { });
        }
    }

    private async Task DoAsync(string kind, string key, Func<Task<ApiAnswer>> request, HttpStatusCode success, Action<ApiAnswer> acknowledged, Action? attempt = null)
    {
        attempt?.Invoke();
        var at = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var answer = await request();
        var ok = answer.Is(success);
        if (ok) acknowledged(answer);
        // The session has ended (lost or destroyed) or is unknown: the workload lets it go; the checker judges the ending.
        else if (answer.Status is HttpStatusCode.Conflict or HttpStatusCode.NotFound && kind != "create") Ledger.Abandoned(key);
        Log.Add(new Operation(kind, key, at, clock.Elapsed, ok, ok ? null : answer.Reason));
    }

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }
}
