using System.Net.Http.Headers;
using System.Reflection;

namespace Janus.Actors.Fixtures;

/// <summary>
/// The real host, <c>dotnet Janus.Actors.Host.dll</c>, as a child process on a free loopback port, configured through
/// environment variables (<c>Janus__WebSocketUrl</c>, ...). Its stdout and stderr go to <see cref="LogPath"/>.
/// It can be started again after <see cref="KillAsync"/> or <see cref="StopAsync"/>, with the same settings, working
/// directory (hence SQLite journal) and, when still free, port. Disposing never leaves a process behind.
/// No xunit dependency: usable from any test or tool.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private static readonly TimeSpan DefaultStartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DefaultStopTimeout = TimeSpan.FromSeconds(30);
    private static readonly string[] IsolatedPrefixes = ["Janus__", "Journal__", "Api__", "Cluster__", "Akka__", "Serilog__", "ASPNETCORE_URLS", "DOTNET_URLS"];

    private readonly Dictionary<string, string?> _settings;
    private readonly bool _ownsDirectory;
    private readonly ChildProcess _process;
    private int _starts;

    /// <param name="settings">
    /// Configuration keys as the host reads them (<c>Janus:WebSocketUrl</c>, <c>Api:Token</c>, ...); passed as environment
    /// variables with <c>__</c>. <c>Api:Urls</c> is chosen here unless given; <c>{port}</c> in a value stands for <see cref="Port"/>.
    /// </param>
    /// <param name="workingDirectory">Where the host runs (relative journal paths land here); a fresh temp directory, removed on dispose, when null.</param>
    public HostProcess(IReadOnlyDictionary<string, string?> settings, string? workingDirectory = null)
    {
        _settings = new Dictionary<string, string?>(settings, StringComparer.OrdinalIgnoreCase);
        _ownsDirectory = workingDirectory is null;
        WorkingDirectory = workingDirectory ?? Directory.CreateTempSubdirectory("janus-host-").FullName;
        Directory.CreateDirectory(WorkingDirectory);
        LogPath = Path.Combine(WorkingDirectory, "host.log");
        _process = new ChildProcess("the host", LogPath);
        ApiToken = settings.TryGetValue("Api:Token", out var token) && !string.IsNullOrEmpty(token) ? token : null;
        Port = LoopbackPorts.Free();
    }

    public string WorkingDirectory { get; }

    /// <summary>Everything the host printed, across all its starts.</summary>
    public string LogPath { get; }

    public int Port { get; private set; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    /// <summary>The bearer token the host requires (<c>Api:Token</c>), if any; <see cref="Http"/> sends it.</summary>
    public string? ApiToken { get; }

    /// <summary>A client for the running host that sends <see cref="ApiToken"/>. Replaced on each start.</summary>
    public HttpClient Http { get; private set; } = new();

    public int? ProcessId => _process.ProcessId;

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code of the last run, once it has exited.</summary>
    public int? ExitCode => _process.ExitCode;

    /// <summary>The host's Janus.Actors.Host.dll, built alongside the tests (same configuration).</summary>
    public static string HostDllPath => BuiltDllPath("src/Janus.Actors.Host");

    /// <summary>
    /// The dll of a program of this repository (<paramref name="projectFolder"/>, e.g. <c>tests/Janus.Actors.Chaos</c>, whose
    /// last segment names it), built alongside the tests (same configuration); throws when it is not built.
    /// </summary>
    public static string BuiltDllPath(string projectFolder)
    {
        var configuration = typeof(HostProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var path = Path.Combine(RepositoryRoot(), projectFolder, "bin", configuration, "net10.0", $"{Path.GetFileName(projectFolder)}.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{Path.GetFileName(projectFolder)} is not built: {path}", path);
    }

    /// <summary>The directory holding Janus.Actors.sln, found by walking up from the test binaries.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Janus.Actors.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"No Janus.Actors.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>Starts the host and waits until <c>/healthz</c> answers 200. Throws with the log tail when it does not.</summary>
    public Task StartAsync(TimeSpan? timeout = null) => StartAsync(requireHealthy: true, timeout);

    /// <summary>Starts the host and waits until <c>/healthz</c> answers at all (200 or 503), e.g. to test an unhealthy host.</summary>
    public Task StartListeningAsync(TimeSpan? timeout = null) => StartAsync(requireHealthy: false, timeout);

    private async Task StartAsync(bool requireHealthy, TimeSpan? timeout)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultStartTimeout);
        for (var attempt = 1; ; attempt++)
        {
            Launch();
            var (healthy, lastAnswer) = await WaitForHealthAsync(deadline, requireHealthy);
            if (healthy)
                return;
            // The port was free when chosen but somebody took it before the host bound it: choose again.
            if (HasExited && attempt < 3 && LogTail().Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                Port = LoopbackPorts.Free();
                continue;
            }
            var state = HasExited ? $"exited with {ExitCode}" : $"still running, last /healthz answer: {lastAnswer}";
            // A caller whose set-up throws may never dispose us (xunit skips DisposeAsync when InitializeAsync fails).
            await KillAsync();
            throw new InvalidOperationException($"The host did not become healthy ({state}). Log tail:\n{LogTail()}");
        }
    }

    /// <summary>Starts the host and waits for it to exit on its own (e.g. on bad configuration); returns its exit code.</summary>
    public async Task<int> RunToExitAsync(TimeSpan? timeout = null)
    {
        Launch();
        if (!await _process.WaitForExitAsync(timeout ?? DefaultStartTimeout))
        {
            await KillAsync();
            throw new TimeoutException($"The host did not exit on its own. Log tail:\n{LogTail()}");
        }
        return _process.ExitCode!.Value;
    }

    /// <summary>Crashes the host: SIGKILL (no shutdown hooks, no flushing), then waits for it to be gone.</summary>
    public Task KillAsync() => _process.KillAsync();

    /// <summary>Freezes the host with SIGSTOP, as a VM pause or a long stall would: nothing in it runs until <see cref="Thaw"/>.</summary>
    public void Freeze() => _process.Signal(Signals.Stop);

    /// <summary>Lets a frozen host run again (SIGCONT).</summary>
    public void Thaw() => _process.Signal(Signals.Cont);

    /// <summary>Stops the host gracefully with SIGTERM and waits; returns its exit code (0 for a clean stop).</summary>
    public Task<int> StopAsync(TimeSpan? timeout = null) => _process.StopAsync(timeout ?? DefaultStopTimeout);

    /// <summary>The last <paramref name="lines"/> lines the host printed, for assertion messages.</summary>
    public string LogTail(int lines = 40) => _process.Tail(lines);

    /// <summary>Everything the host printed so far (all starts).</summary>
    public string Log() => _process.Output();

    /// <summary>Waits until a line the host printed contains <paramref name="text"/>; returns that line.</summary>
    public Task<string> WaitForLogAsync(string text, TimeSpan? timeout = null) => _process.WaitForLineAsync(text, timeout: timeout);

    /// <summary>
    /// Polls <c>/readyz</c> until it answers 200 and returns its body: a host that has just started is not ready until it
    /// has registered every persisted session. Throws with the last answer when it is not ready in time.
    /// </summary>
    public async Task<JsonElement> WaitForReadyAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            using var response = await Http.GetAsync("readyz");
            if (response.StatusCode == HttpStatusCode.OK || DateTime.UtcNow > deadline)
                return await ReadJsonAsync(response, HttpStatusCode.OK);
            await Task.Delay(50);
        }
    }

    /// <summary>A client for this host with the given bearer token (null: none), e.g. to check that a wrong token is refused.</summary>
    public HttpClient CreateClient(string? bearerToken)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (bearerToken is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        return client;
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json) =>
        Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    public Task<HttpResponseMessage> PostJsonAsync<T>(string path, T body) => PostJsonAsync(path, JsonSerializer.Serialize(body));

    /// <summary>The response's JSON body; throws with the status, body and log tail unless the status is <paramref name="expected"/>.</summary>
    public async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected)
            throw new InvalidOperationException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery} answered {(int)response.StatusCode} (expected {(int)expected}): {text}\nLog tail:\n{LogTail()}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>
    /// Opens <c>GET /v1/sessions/{key}/events</c> (resuming after <paramref name="lastEventId"/> when given, as a
    /// reconnecting EventSource does) and returns once the stream's headers have arrived.
    /// </summary>
    public async Task<ServerSentEventReader> OpenEventsAsync(string key, CancellationToken cancellationToken = default, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"v1/sessions/{Uri.EscapeDataString(key)}/events");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        var client = CreateClient(ApiToken);
        client.Timeout = Timeout.InfiniteTimeSpan;
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"events for {key}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        return new ServerSentEventReader(client, response, await response.Content.ReadAsStreamAsync(cancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _process.DisposeAsync();
        if (_ownsDirectory)
        {
            try { Directory.Delete(WorkingDirectory, recursive: true); }
            catch (IOException) { /* best effort: a temp directory */ }
        }
    }

    private void Launch()
    {
        var info = ChildProcess.StartInfo("dotnet", WorkingDirectory, HostDllPath);
        foreach (var key in info.Environment.Keys.Where(k => IsolatedPrefixes.Any(p => k.StartsWith(p, StringComparison.OrdinalIgnoreCase))).ToArray())
            info.Environment.Remove(key);
        info.Environment["Api__Urls"] = $"http://127.0.0.1:{Port}";
        // No secret files of this machine (/run/secrets) unless a spec gives a folder.
        info.Environment["JANUS_ACTORS_SECRETS"] = Path.Combine(WorkingDirectory, "no-secrets");
        foreach (var (key, value) in _settings)
            info.Environment[key.Replace(":", "__")] = value?.Replace("{port}", Port.ToString(System.Globalization.CultureInfo.InvariantCulture)) ?? "";

        _process.Note($"---- start #{++_starts} on port {Port} ----");
        _process.Start(info);

        Http.Dispose();
        Http = CreateClient(ApiToken);
    }

    private async Task<(bool Healthy, string LastAnswer)> WaitForHealthAsync(DateTime deadline, bool requireHealthy)
    {
        using var probe = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var lastAnswer = "none";
        while (DateTime.UtcNow < deadline)
        {
            if (HasExited)
            {
                await _process.WaitForExitAsync(TimeSpan.FromSeconds(10)); // drains the output
                return (false, lastAnswer);
            }
            try
            {
                using var response = await probe.GetAsync("healthz");
                lastAnswer = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                if (response.StatusCode == HttpStatusCode.OK || (!requireHealthy && response.StatusCode == HttpStatusCode.ServiceUnavailable))
                    return (true, lastAnswer);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                lastAnswer = e.Message; // not listening yet
            }
            await Task.Delay(100);
        }
        return (false, lastAnswer);
    }
}
