using System.Reflection;
using Janus.Actors.Fixtures;

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
    private readonly ChildProcess _process = new("the backend", echo: line => Console.WriteLine($"  backend | {line}"));

    /// <param name="arguments">Settings after <c>backend</c>, e.g. <c>--Janus:WebSocketUrl=ws://127.0.0.1:8188/</c>.</param>
    /// <param name="workingDirectory">Where the backend runs; relative journal paths land here.</param>
    public BackendProcess(IEnumerable<string> arguments, string workingDirectory)
    {
        _arguments = arguments.ToArray();
        _workingDirectory = workingDirectory;
    }

    /// <summary>How many lines the backend printed so far: pass it to <see cref="WaitForLineAsync"/> to look only at later ones.</summary>
    public int LineCount => _process.LineCount;

    public void Start()
    {
        // Run the same example again: through its apphost (dotnet run) or through dotnet (dotnet Example.dll).
        var self = Environment.ProcessPath ?? "dotnet";
        var info = ChildProcess.StartInfo(self, _workingDirectory);
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            info.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        info.ArgumentList.Add("backend");
        foreach (var argument in _arguments)
            info.ArgumentList.Add(argument);
        _process.Start(info);
    }

    /// <summary>Waits until a line printed after line <paramref name="from"/> contains <paramref name="text"/>; returns it.</summary>
    public Task<string> WaitForLineAsync(string text, int from = 0, TimeSpan? timeout = null) => _process.WaitForLineAsync(text, from, timeout);

    /// <summary>Crashes the backend: SIGKILL, no shutdown code runs. Returns the exit code (137).</summary>
    public async Task<int> KillAsync()
    {
        await _process.KillAsync();
        return _process.ExitCode ?? throw new InvalidOperationException("The backend was never started");
    }

    /// <summary>Stops the backend gracefully (SIGTERM, as on a redeploy); returns its exit code.</summary>
    public Task<int> StopAsync() => _process.StopAsync(TimeSpan.FromSeconds(20));

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
