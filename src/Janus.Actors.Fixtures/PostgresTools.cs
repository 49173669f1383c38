namespace Janus.Actors.Fixtures;

/// <summary>PostgreSQL 15's own tools, as the tests' private servers and <c>./build.sh cluster</c>'s run them.</summary>
public static class PostgresTools
{
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";

    /// <summary>PostgreSQL refuses to run as root: as root its tools run as the <c>postgres</c> user.</summary>
    public static bool AsPostgresUser => Environment.UserName == "root";

    /// <summary>
    /// Runs a tool (<c>initdb</c>, <c>pg_ctl</c>, <c>psql</c>, ...) to its end; returns its exit code and output. pg_ctl
    /// detaches the server and points its output at the log file, so reading the tool's output does not wait for the server.
    /// </summary>
    public static (int ExitCode, string Output) Run(string tool, params string[] arguments)
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

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }

    /// <summary>As root, gives <paramref name="folder"/> to the <c>postgres</c> user; false when that failed.</summary>
    public static bool GiveToPostgresUser(string folder)
    {
        if (!AsPostgresUser) return true;
        using var chown = Process.Start(new ProcessStartInfo("chown", ["-R", "postgres:postgres", folder]) { UseShellExecute = false })!;
        chown.WaitForExit();
        return chown.ExitCode == 0;
    }
}
