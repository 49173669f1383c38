namespace Janus.Actors.Tests.Fixtures;

/// <summary>A program run to its end (dotnet, npm, node, a compiler): its exit code and everything it printed.</summary>
public static class Command
{
    /// <summary>Runs <paramref name="file"/> in <paramref name="folder"/> (<see cref="ChildProcess.StartInfo"/>).</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(string folder, TimeSpan timeout, string file, params string[] arguments) =>
        RunAsync(ChildProcess.StartInfo(file, folder, arguments), timeout);

    /// <summary>Runs what <paramref name="info"/> describes; kills it, with its children, and throws when it takes longer than <paramref name="timeout"/>.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(ProcessStartInfo info, TimeSpan timeout)
    {
        var command = $"{info.FileName} {string.Join(' ', info.ArgumentList)}";
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{command} did not start");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{command} did not finish within {timeout}:\n{await output}\n{await errors}");
        }
        return (process.ExitCode, await output + await errors);
    }
}
