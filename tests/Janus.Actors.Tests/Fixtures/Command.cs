namespace Janus.Actors.Tests.Fixtures;

/// <summary>A program run to its end in a folder (npm, node, a compiler): its exit code and everything it printed.</summary>
public static class Command
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string folder, TimeSpan timeout, string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
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
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish within {timeout.TotalSeconds:0} s:\n{await output}{await errors}");
        }
        return (process.ExitCode, await output + await errors);
    }
}
