using System.Net.Http.Headers;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Janus.Actors.Tests.Fixtures;

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
    private readonly object _logLock = new();
    private readonly StringBuilder _log = new();
    private readonly StreamWriter _logFile;
    private Process? _process;
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
        _logFile = new StreamWriter(LogPath, append: true, Encoding.UTF8) { AutoFlush = true };
        ApiToken = settings.TryGetValue("Api:Token", out var token) && !string.IsNullOrEmpty(token) ? token : null;
        Port = LoopbackPorts.Free();
        AppDomain.CurrentDomain.ProcessExit += KillOnTestProcessExit;
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

    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    public bool HasExited => _process is not { } process || process.HasExited;

    /// <summary>The exit code of the last run, once it has exited.</summary>
    public int? ExitCode => _process is { HasExited: true } p ? p.ExitCode : null;

    /// <summary>The host's Janus.Actors.Host.dll, built alongside the tests (same configuration).</summary>
    public static string HostDllPath
    {
        get
        {
            var configuration = typeof(HostProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
            var path = Path.Combine(RepositoryRoot(), "src", "Janus.Actors.Host", "bin", configuration, "net10.0", "Janus.Actors.Host.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"The host is not built: {path}", path);
        }
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
        using var cts = new CancellationTokenSource(timeout ?? DefaultStartTimeout);
        try
        {
            await _process!.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
            throw new TimeoutException($"The host did not exit on its own. Log tail:\n{LogTail()}");
        }
        return _process.ExitCode;
    }

    /// <summary>Crashes the host: SIGKILL (no shutdown hooks, no flushing), then waits for it to be gone.</summary>
    public async Task KillAsync()
    {
        if (_process is not { HasExited: false } process)
            return;
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    /// <summary>Freezes the host with SIGSTOP, as a VM pause or a long stall would: nothing in it runs until <see cref="Thaw"/>.</summary>
    public void Freeze() => Signal(Signals.Stop);

    /// <summary>Lets a frozen host run again (SIGCONT).</summary>
    public void Thaw() => Signal(Signals.Cont);

    private void Signal(int signal)
    {
        if (_process is not { HasExited: false } process || !Signals.Send(process.Id, signal))
            throw new InvalidOperationException($"signal {signal} to the host failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Stops the host gracefully with SIGTERM and waits; returns its exit code (0 for a clean stop).</summary>
    public async Task<int> StopAsync(TimeSpan? timeout = null)
    {
        if (_process is not { } process)
            throw new InvalidOperationException("The host was never started");
        if (!process.HasExited && !Signals.Send(process.Id, Signals.Term) && !process.HasExited)
            throw new InvalidOperationException($"kill -TERM {process.Id} failed: errno {Marshal.GetLastPInvokeError()}");
        using var cts = new CancellationTokenSource(timeout ?? DefaultStopTimeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The host did not stop within {(timeout ?? DefaultStopTimeout).TotalSeconds} s of SIGTERM. Log tail:\n{LogTail()}");
        }
        return process.ExitCode;
    }

    /// <summary>The last <paramref name="lines"/> lines the host printed, for assertion messages.</summary>
    public string LogTail(int lines = 40)
    {
        lock (_logLock)
        {
            var all = _log.ToString().Split('\n');
            return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
        }
    }

    /// <summary>Everything the host printed so far (all starts).</summary>
    public string Log()
    {
        lock (_logLock)
            return _log.ToString();
    }

    /// <summary>Waits until a line the host printed contains <paramref name="text"/>; returns that line.</summary>
    public async Task<string> WaitForLogAsync(string text, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var line = Log().Split('\n').FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
            if (line is not null)
                return line;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The host never printed '{text}'. Log tail:\n{LogTail()}");
            await Task.Delay(50);
        }
    }

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
        AppDomain.CurrentDomain.ProcessExit -= KillOnTestProcessExit;
        Http.Dispose();
        if (_process is { } process)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync();
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
            process.Dispose();
        }
        lock (_logLock)
            _logFile.Dispose();
        if (_ownsDirectory)
        {
            try { Directory.Delete(WorkingDirectory, recursive: true); }
            catch (IOException) { /* best effort: a temp directory */ }
        }
    }

    /// <summary>Last line of defence: a test run that ends without disposing us still takes the host down with it.</summary>
    private void KillOnTestProcessExit(object? sender, EventArgs e)
    {
        try
        {
            if (_process is { HasExited: false } process)
                process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private void Launch()
    {
        if (_process is { HasExited: false })
            throw new InvalidOperationException("The host is already running");
        // Readers on other threads (a poller asking HasExited during a restart) must never see a disposed Process.
        var previous = _process;
        _process = null;
        previous?.Dispose();

        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // so the host never reads the test runner's stdin
            UseShellExecute = false,
        };
        info.ArgumentList.Add(HostDllPath);
        foreach (var key in info.Environment.Keys.Where(k => IsolatedPrefixes.Any(p => k.StartsWith(p, StringComparison.OrdinalIgnoreCase))).ToArray())
            info.Environment.Remove(key);
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["Api__Urls"] = $"http://127.0.0.1:{Port}";
        // No secret files of this machine (/run/secrets) unless a spec gives a folder.
        info.Environment["JANUS_ACTORS_SECRETS"] = Path.Combine(WorkingDirectory, "no-secrets");
        foreach (var (key, value) in _settings)
            info.Environment[key.Replace(":", "__")] = value?.Replace("{port}", Port.ToString(System.Globalization.CultureInfo.InvariantCulture)) ?? "";

        Append($"---- start #{++_starts} on port {Port} ----");
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) Append(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Append(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

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
                await _process!.WaitForExitAsync(); // drains the output
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

    private void Append(string line)
    {
        lock (_logLock)
        {
            _log.Append(line).Append('\n');
            try { _logFile.WriteLine(line); }
            catch (ObjectDisposedException) { /* output arriving after dispose */ }
        }
    }

}
