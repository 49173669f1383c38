using System.Diagnostics;
using System.Reflection;
using Janus.Actors.Tests.Fixtures;

namespace Janus.Actors.Examples;

/// <summary>
/// The example's own backend (<c>&lt;example&gt; backend ...</c>) as a real child process, so the demo can kill it with
/// SIGKILL and start it again with the same arguments and working directory (hence the same SQLite journal). Every
/// line it prints is echoed as <c>backend | ...</c> and kept for <see cref="WaitForLineAsync"/>. Disposing never
/// leaves it running.
/// </summary>
public sealed class BackendProcess : IAsyncDisposable
{
    private readonly string[] _arguments;
    private readonly string _workingDirectory;
    private readonly List<string> _lines = [];
    private Process? _process;

    /// <param name="arguments">Settings after <c>backend</c>, e.g. <c>--Janus:WebSocketUrl=ws://127.0.0.1:8188/</c>.</param>
    /// <param name="workingDirectory">Where the backend runs; relative journal paths land here.</param>
    public BackendProcess(IEnumerable<string> arguments, string workingDirectory)
    {
        _arguments = arguments.ToArray();
        _workingDirectory = workingDirectory;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillTree();
    }

    /// <summary>How many lines the backend printed so far: pass it to <see cref="WaitForLineAsync"/> to look only at later ones.</summary>
    public int LineCount
    {
        get { lock (_lines) return _lines.Count; }
    }

    public void Start()
    {
        if (_process is { HasExited: false })
            throw new InvalidOperationException("The backend is already running");
        _process?.Dispose();

        // Run the same example again: through its apphost (dotnet run) or through dotnet (dotnet Example.dll).
        var self = Environment.ProcessPath ?? "dotnet";
        var info = new ProcessStartInfo(self)
        {
            WorkingDirectory = _workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            info.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        info.ArgumentList.Add("backend");
        foreach (var argument in _arguments)
            info.ArgumentList.Add(argument);
        info.Environment["DOTNET_NOLOGO"] = "1";

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    /// <summary>Waits until a line printed after line <paramref name="from"/> contains <paramref name="text"/>; returns it.</summary>
    public async Task<string> WaitForLineAsync(string text, int from = 0, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            lock (_lines)
            {
                for (var i = from; i < _lines.Count; i++)
                    if (_lines[i].Contains(text, StringComparison.Ordinal))
                        return _lines[i];
            }
            if (_process is null or { HasExited: true })
                throw new InvalidOperationException($"The backend exited before printing '{text}'");
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The backend did not print '{text}' within {(timeout ?? TimeSpan.FromSeconds(30)).TotalSeconds} s");
            await Task.Delay(50);
        }
    }

    /// <summary>Crashes the backend: SIGKILL, no shutdown code runs. Returns the exit code (137).</summary>
    public async Task<int> KillAsync()
    {
        var process = _process ?? throw new InvalidOperationException("The backend was never started");
        process.Kill();
        await process.WaitForExitAsync();
        return process.ExitCode;
    }

    /// <summary>Stops the backend gracefully (SIGTERM, as on a redeploy); returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        var process = _process ?? throw new InvalidOperationException("The backend was never started");
        if (!process.HasExited)
            _ = Signals.Send(process.Id, Signals.Term);
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await process.WaitForExitAsync(patience.Token);
        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        KillTree();
        if (_process is { } process)
        {
            await process.WaitForExitAsync();
            process.Dispose();
        }
    }

    private void KillTree()
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

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_lines)
            _lines.Add(line);
        Console.WriteLine($"  backend | {line}");
    }
}
