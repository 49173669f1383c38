using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Janus.Actors.Fixtures;

/// <summary>
/// A child process that can be started again, crashed (SIGKILL), stopped (SIGTERM), frozen and thawed, and is never
/// left behind: disposing it, or the end of this process, kills its whole tree. Every line it prints (stdout and
/// stderr, across all its starts) is kept for <see cref="WaitForLineAsync"/> and <see cref="Tail"/>, and copied to a log
/// file and an echo when given. The one process fixture of the host, the build script, the demo and the examples.
/// No xunit dependency: linked into the examples and the demo.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly string _name;
    private readonly StreamWriter? _logFile;
    private readonly Action<string>? _echo;
    private readonly List<string> _lines = [];
    private Process? _process;

    /// <param name="name">What the process is, for error messages ("the host", "build.sh").</param>
    /// <param name="logPath">A file that receives every line too (appended), or null.</param>
    /// <param name="echo">Called with every line as it arrives (e.g. to print it), or null.</param>
    public ChildProcess(string name, string? logPath = null, Action<string>? echo = null)
    {
        _name = name;
        _echo = echo;
        if (logPath is not null) _logFile = new StreamWriter(logPath, append: true, Encoding.UTF8) { AutoFlush = true };
        AppDomain.CurrentDomain.ProcessExit += KillOnExit;
    }

    /// <summary>A start with output redirected and stdin closed to the child (it never reads this process's stdin).</summary>
    public static ProcessStartInfo StartInfo(string fileName, string workingDirectory, params string[] arguments)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        info.Environment["DOTNET_NOLOGO"] = "1";
        return info;
    }

    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    public bool HasExited => _process is not { } process || process.HasExited;

    /// <summary>The exit code of the last run, once it has exited.</summary>
    public int? ExitCode => _process is { HasExited: true } p ? p.ExitCode : null;

    /// <summary>How many lines it printed so far: pass it to <see cref="WaitForLineAsync"/> to look only at later ones.</summary>
    public int LineCount
    {
        get { lock (_lines) return _lines.Count; }
    }

    /// <summary>Starts it (again). Throws when it still runs.</summary>
    public Process Start(ProcessStartInfo info)
    {
        if (_process is { HasExited: false })
            throw new InvalidOperationException($"{_name} is already running");
        // Readers on other threads (a poller asking HasExited during a restart) must never see a disposed Process.
        var previous = _process;
        _process = null;
        previous?.Dispose();

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        return process;
    }

    /// <summary>Adds a line of this fixture's own to the output (e.g. where a new start begins).</summary>
    public void Note(string line) => Append(line);

    /// <summary>Everything it printed so far, all starts.</summary>
    public string Output()
    {
        lock (_lines) return string.Join('\n', _lines);
    }

    /// <summary>The last <paramref name="lines"/> lines, for error messages.</summary>
    public string Tail(int lines = 40)
    {
        lock (_lines) return string.Join('\n', _lines.Skip(Math.Max(0, _lines.Count - lines)));
    }

    /// <summary>
    /// Waits until a line printed after line <paramref name="from"/> contains <paramref name="text"/>; returns it. Throws
    /// with the tail when the process exits first or time runs out.
    /// </summary>
    public async Task<string> WaitForLineAsync(string text, int from = 0, TimeSpan? timeout = null)
    {
        var patience = timeout ?? TimeSpan.FromSeconds(30);
        var deadline = DateTime.UtcNow + patience;
        for (var exited = false; ; exited = HasExited)
        {
            if (exited) await _process!.WaitForExitAsync(); // the rest of its output arrives
            lock (_lines)
            {
                for (var i = from; i < _lines.Count; i++)
                    if (_lines[i].Contains(text, StringComparison.Ordinal))
                        return _lines[i];
            }
            if (exited)
                throw new InvalidOperationException($"{_name} exited before printing '{text}'. Output tail:\n{Tail()}");
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{_name} did not print '{text}' within {patience.TotalSeconds} s. Output tail:\n{Tail()}");
            await Task.Delay(50);
        }
    }

    /// <summary>Waits for it to exit; false when <paramref name="timeout"/> ran out first.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        if (_process is not { } process) return true;
        using var patience = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(patience.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Crashes it: SIGKILL to its whole tree (no shutdown code runs, nothing is flushed), then waits for it to be gone.</summary>
    public async Task KillAsync()
    {
        if (_process is not { HasExited: false } process) return;
        KillTree();
        await process.WaitForExitAsync();
    }

    /// <summary>Stops it gracefully with SIGTERM and waits; returns its exit code. Throws with the tail when it outlives <paramref name="timeout"/>.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        var process = _process ?? throw new InvalidOperationException($"{_name} was never started");
        if (!process.HasExited) Signal(Signals.Term);
        if (!await WaitForExitAsync(timeout))
            throw new TimeoutException($"{_name} did not stop within {timeout.TotalSeconds} s of SIGTERM. Output tail:\n{Tail()}");
        return process.ExitCode;
    }

    /// <summary>Sends <paramref name="signal"/> (<see cref="Signals"/>) to it, e.g. SIGSTOP to freeze it as a VM pause would.</summary>
    public void Signal(int signal)
    {
        if (_process is not { HasExited: false } process) throw new InvalidOperationException($"{_name} is not running");
        if (!Signals.Send(process.Id, signal) && !process.HasExited)
            throw new InvalidOperationException($"signal {signal} to {_name} failed: errno {Marshal.GetLastPInvokeError()}");
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        if (_process is { } process)
        {
            KillTree();
            try { await process.WaitForExitAsync(); }
            catch (InvalidOperationException) { /* never started */ }
            process.Dispose();
        }
        if (_logFile is not null)
            lock (_lines) _logFile.Dispose();
    }

    private void KillTree()
    {
        try
        {
            if (_process is { HasExited: false } process) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>Last line of defence: a run that ends without disposing this still takes the child down with it.</summary>
    private void KillOnExit(object? sender, EventArgs e) => KillTree();

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_lines)
        {
            _lines.Add(line);
            try { _logFile?.WriteLine(line); }
            catch (ObjectDisposedException) { /* output arriving after dispose */ }
        }
        _echo?.Invoke(line);
    }
}
