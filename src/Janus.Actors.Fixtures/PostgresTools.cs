namespace Janus.Actors.Fixtures;

/// <summary>PostgreSQL 15's own tools, as the tests' private servers and <c>./build.sh cluster</c>'s run them.</summary>
public static class PostgresTools
{
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";

    /// <summary>PostgreSQL refuses to run as root: as root its tools run as the <c>postgres</c> user.</summary>
    public static bool AsPostgresUser => Environment.UserName == "root";

    /// <summary>
    /// Runs a tool (<c>initdb</c>, <c>pg_ctl</c>, <c>psql</c>, ...) to its end without holding a thread meanwhile (initdb
    /// takes seconds on a busy machine); returns its exit code and output. pg_ctl detaches the server and points its
    /// output at the log file, so reading the tool's output does not wait for the server.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string tool, string[] arguments, CancellationToken cancellationToken = default)
    {
        using var process = Process.Start(StartInfo(tool, arguments))!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>As <see cref="RunAsync"/>, blocking: for a process-exit hook, where nothing can be awaited.</summary>
    public static (int ExitCode, string Output) Run(string tool, params string[] arguments)
    {
        using var process = Process.Start(StartInfo(tool, arguments))!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }

    private static ProcessStartInfo StartInfo(string tool, string[] arguments)
    {
        var path = Path.Combine(BinDirectory, tool);
        var start = new ProcessStartInfo(AsPostgresUser ? "runuser" : path)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in AsPostgresUser ? ["-u", "postgres", "--", path, .. arguments] : arguments)
            start.ArgumentList.Add(argument);
        return start;
    }

    /// <summary>As root, gives <paramref name="folder"/> to the <c>postgres</c> user; false when that failed.</summary>
    public static async Task<bool> GiveToPostgresUserAsync(string folder)
    {
        if (!AsPostgresUser) return true;
        using var chown = Process.Start(new ProcessStartInfo("chown", ["-R", "postgres:postgres", folder]) { UseShellExecute = false })!;
        await chown.WaitForExitAsync();
        return chown.ExitCode == 0;
    }
}
