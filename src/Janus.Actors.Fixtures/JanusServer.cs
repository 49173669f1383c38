using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Janus.Actors.Servers;

namespace Janus.Actors.Fixtures;

/// <summary>
/// A real Janus 1.1.2 process for one test (or one benchmark): generated configuration in a fresh temp folder, its
/// own free loopback ports for the WebSocket transport, the REST transport and the HTTP Admin API, and its log in
/// <see cref="LogPath"/>. Ports and configuration survive <see cref="RestartAsync"/>. Disposing kills Janus and
/// deletes the folder. Free of xunit so the benchmark project can link it.
/// </summary>
public sealed class JanusServer : IAsyncDisposable, IDisposable
{
    private static readonly TimeSpan ReadinessPollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Raises the open-files limit (falling back to the hard limit where it cannot be raised), notes it in the log
    /// and replaces bash with Janus, so the process id is Janus's own.
    /// Arguments: $1 limit, $2 janus executable, $3 configs folder, $4 log file.
    /// </summary>
    private readonly HttpClient _readinessProbe = new() { Timeout = TimeSpan.FromSeconds(2) };
    private Process? _janus;

    /// <summary>Allocates ports and writes the configuration; Janus is not started until <see cref="StartAsync"/>.</summary>
    public JanusServer(JanusServerOptions? options = null)
    {
        Options = options ?? new JanusServerOptions();
        Ports = JanusServerPorts.AllocateFree();
        Folder = Directory.CreateTempSubdirectory("janus-test-").FullName;
        JanusConfigFiles.Write(Folder, Options, Ports);
        AppDomain.CurrentDomain.ProcessExit += KillOnHostExit;
    }

    public JanusServerOptions Options { get; }

    public JanusServerPorts Ports { get; }

    /// <summary>The temp folder holding the configuration (<c>janus -F</c>) and the log.</summary>
    public string Folder { get; }

    /// <summary>Janus's stdout and stderr, across restarts.</summary>
    public string LogPath => Path.Combine(Folder, "janus.log");

    /// <summary>The Janus API over WebSocket (subprotocol <c>janus-protocol</c>).</summary>
    public Uri WebSocketUrl => Ports.WebSocketUrl;

    /// <summary>The Janus API over REST: <c>POST</c> here to create, <c>/{session}</c> to long-poll.</summary>
    public Uri RestUrl => Ports.RestUrl;

    /// <summary>The Admin API: <c>POST</c> requests carrying <see cref="JanusServerOptions.AdminSecret"/>.</summary>
    public Uri AdminUrl => Ports.AdminUrl;

    /// <summary>The running Janus's process id, or null when it is not running.</summary>
    public int? ProcessId => _janus is { HasExited: false } janus ? janus.Id : null;

    /// <summary>How long the last <see cref="StartAsync"/> took from launch until Janus answered on all ports.</summary>
    public TimeSpan? LastStartDuration { get; private set; }

    /// <summary>An Admin API client for this server.</summary>
    public JanusAdminClient CreateAdminClient() => new(AdminUrl, Options.AdminSecret);

    /// <summary>A raw WebSocket client connected to this server, sending <see cref="JanusServerOptions.ApiSecret"/>.</summary>
    public Task<RawJanusClient> ConnectRawClientAsync(CancellationToken cancellationToken = default) =>
        RawJanusClient.ConnectAsync(WebSocketUrl, Options.ApiSecret, cancellationToken);

    /// <summary>
    /// Launches Janus and waits until it answers on all four ports (<c>GET /janus/info</c> lists the WebSocket
    /// transport, the Admin API answers <c>ping</c>, both WebSockets complete their handshake). Throws, with the tail of Janus's log, if Janus exits or does
    /// not answer within <see cref="JanusServerOptions.StartTimeout"/>.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (ProcessId is not null)
            throw new InvalidOperationException("Janus is already running");

        var clock = Stopwatch.StartNew();
        var janus = _janus = JanusProcess.Launch("janus-test", Options.JanusExecutable, Folder, LogPath, Options.FileDescriptorLimit);
        while (!await AnswersAsync(cancellationToken))
        {
            if (janus.HasExited)
            {
                var exitCode = janus.ExitCode;
                Forget(janus);
                throw new InvalidOperationException($"Janus exited with code {exitCode} while starting.\n{LogTail()}");
            }
            if (clock.Elapsed > Options.StartTimeout)
            {
                await KillAsync();
                throw new TimeoutException(
                    $"Janus did not answer on all its ports within {Options.StartTimeout.TotalSeconds:0} s " +
                    $"(another process may have taken one of {Ports}).\n{LogTail()}");
            }
            await Task.Delay(ReadinessPollInterval, cancellationToken);
        }
        LastStartDuration = clock.Elapsed;
    }

    /// <summary>Stops Janus gracefully: SIGTERM, then SIGKILL after <see cref="JanusServerOptions.StopGracePeriod"/>.</summary>
    public async Task StopAsync()
    {
        if (_janus is not { } janus)
            return;
        if (!janus.HasExited)
        {
            _ = Signals.Send(janus.Id, Signals.Term);
            using var grace = new CancellationTokenSource(Options.StopGracePeriod);
            try
            {
                await janus.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                janus.Kill();
                await janus.WaitForExitAsync();
            }
        }
        Forget(janus);
    }

    /// <summary>Kills Janus with SIGKILL, as in a crash: every session is lost, sockets are reset.</summary>
    public async Task KillAsync()
    {
        if (_janus is not { } janus)
            return;
        janus.Kill();
        await janus.WaitForExitAsync();
        Forget(janus);
    }

    /// <summary>Freezes Janus with SIGSTOP: its sockets stay open and nothing answers until <see cref="Thaw"/>.</summary>
    public void Freeze() => Signal(Signals.Stop);

    /// <summary>Lets a frozen Janus run again (SIGCONT).</summary>
    public void Thaw() => Signal(Signals.Cont);

    private void Signal(int signal)
    {
        if (ProcessId is { } pid) _ = Signals.Send(pid, signal);
    }

    /// <summary>Stops Janus and starts it again on the same ports with the same configuration (all sessions are gone).</summary>
    public async Task RestartAsync(CancellationToken cancellationToken = default)
    {
        await StopAsync();
        await StartAsync(cancellationToken);
    }

    /// <summary>Makes Janus unreachable for <paramref name="downtime"/>, then brings it back on the same ports.</summary>
    public async Task StopForAsync(TimeSpan downtime, CancellationToken cancellationToken = default)
    {
        await StopAsync();
        await Task.Delay(downtime, cancellationToken);
        await StartAsync(cancellationToken);
    }

    /// <summary>The last lines of Janus's log, for failure messages.</summary>
    public string LogTail(int lines = 40)
    {
        return LogFiles.Tail(LogPath, lines) is { } tail ? $"--- tail of {LogPath} ---\n{tail}" : "(Janus wrote no log)";
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        Dispose();
    }

    /// <summary>Kills Janus if it still runs and deletes the temp folder.</summary>
    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillOnHostExit;
        if (_janus is { } janus)
        {
            janus.Kill();
            janus.WaitForExit();
            Forget(janus);
        }
        _readinessProbe.Dispose();
        if (Directory.Exists(Folder))
            Directory.Delete(Folder, recursive: true);
    }

    /// <summary>
    /// True once this Janus answers on every port: <c>info</c> over REST lists the WebSocket transport (absent when
    /// it could not bind its port) and the Admin API answers <c>ping</c> with our admin secret.
    /// </summary>
    private async Task<bool> AnswersAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var info = await _readinessProbe.GetAsync($"{RestUrl}/info", cancellationToken);
            if (!info.IsSuccessStatusCode)
                return false;
            using var server = JsonDocument.Parse(await info.Content.ReadAsStreamAsync(cancellationToken));
            if (!server.RootElement.TryGetProperty("transports", out var transports)
                || !transports.TryGetProperty("janus.transport.websockets", out _))
                return false;

            var ping = new JsonObject { ["janus"] = "ping", ["transaction"] = "ready", ["admin_secret"] = Options.AdminSecret };
            using var pong = await _readinessProbe.PostAsync(AdminUrl, new StringContent(ping.ToJsonString()), cancellationToken);
            return pong.IsSuccessStatusCode
                   && (await pong.Content.ReadAsStringAsync(cancellationToken)).Contains("\"pong\"", StringComparison.Ordinal)
                   && await HandshakesAsync(WebSocketUrl, "janus-protocol", cancellationToken)
                   && await HandshakesAsync(Ports.AdminWebSocketUrl, "janus-admin-protocol", cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or WebSocketException
                                      || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    /// <summary>
    /// Whether a WebSocket handshake on <paramref name="url"/> completes within a second: the Janus websockets transport
    /// loads when any of its servers binds, so <c>info</c> alone cannot tell that a squatter holds the other port.
    /// </summary>
    private static async Task<bool> HandshakesAsync(Uri url, string subProtocol, CancellationToken cancellationToken)
    {
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(subProtocol);
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(TimeSpan.FromSeconds(1));
        await socket.ConnectAsync(url, patience.Token);
        socket.Abort();
        return true;
    }

    private void Forget(Process janus)
    {
        janus.Dispose();
        _janus = null;
    }

    /// <summary>Last resort when the test host exits without disposing: never leave a Janus behind.</summary>
    private void KillOnHostExit(object? sender, EventArgs e) => _janus?.Kill();
}
