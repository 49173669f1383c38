using System.Security.Cryptography;

namespace Janus.Actors.Launcher;

/// <summary>
/// The cluster's private PostgreSQL 15 in <c>{data}/postgres</c>: initialised once (loopback only, SCRAM over TCP, its
/// socket in a folder only its owner can open, a random superuser password kept for later runs), started by
/// <c>pg_ctl</c> in a session of its own (a Ctrl-C reaches the nodes first), shared or adopted as Janus is, and stopped
/// by its owner. As root the tools run as the <c>postgres</c> user (PostgreSQL refuses root).
/// </summary>
public sealed class LocalPostgres(LaunchSettings settings) : IAsyncDisposable
{
    private bool _owned;

    private string Folder => settings.PostgresFolder;
    private string Data => Path.Combine(Folder, "data");
    private string Socket => Path.Combine(Folder, "socket");
    private string LogFile => Path.Combine(Folder, "postgres.log");
    private string PasswordFile => Path.Combine(Folder, "password");
    private string OwnerFile => Path.Combine(Folder, "owner.pid");

    /// <summary>Starts it unless it runs; makes sure the journal's database exists; returns the nodes' connection string.</summary>
    public async Task<string> StartAsync()
    {
        if (ProcessFiles.Running(Path.Combine(Data, "postmaster.pid"), "postgres") is { } running)
            _owned = ProcessFiles.AdoptUnlessShared("PostgreSQL", running, OwnerFile, settings.DataFolder);
        else
        {
            if (ProcessFiles.PortOpen(settings.PostgresPort))
                throw new LaunchException($"port {settings.PostgresPort} on 127.0.0.1 is in use (another PostgreSQL?): stop it, or choose another port with POSTGRES_PORT");
            if (!File.Exists(Path.Combine(Data, "PG_VERSION"))) await InitialiseAsync();
            Say.Line($"starting PostgreSQL 15 on 127.0.0.1:{settings.PostgresPort}, log in {LogFile}");
            ProcessFiles.Write(OwnerFile, Environment.ProcessId);
            _owned = true;
            if (await ToolAsync("pg_ctl", "-D", Data, "-l", LogFile, "-o", $"-p {settings.PostgresPort}", "-w", "-t", "60", "start") != 0)
                throw new LaunchException($"PostgreSQL did not start; the end of {LogFile}:\n{LogFiles.Tail(LogFile, 20)}");
        }
        // The port it really listens on (a reused server keeps the port it was started with): line 4 of postmaster.pid.
        var port = File.ReadLines(Path.Combine(Data, "postmaster.pid")).ElementAt(3).Trim();
        var (_, exists) = await ToolOutputAsync("psql", "-h", Socket, "-p", port, "-U", "postgres", "-d", "postgres", "-tAc",
            "SELECT 1 FROM pg_database WHERE datname = 'janus_actors'");
        if (exists.Trim() != "1" && await ToolAsync("createdb", "-h", Socket, "-p", port, "-U", "postgres", "janus_actors") != 0)
            throw new LaunchException($"could not create the database janus_actors; see {LogFile}");
        return $"Host=127.0.0.1;Port={port};Database=janus_actors;Username=postgres;Password={File.ReadAllText(PasswordFile).Trim()}";
    }

    private async Task InitialiseAsync()
    {
        Directory.CreateDirectory(Socket);
        // Created here so that it belongs to the server's user with the rest (the server appends to it).
        File.AppendAllText(LogFile, "");
        if (!File.Exists(PasswordFile) || new FileInfo(PasswordFile).Length == 0)
        {
            File.WriteAllText(PasswordFile, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant());
            File.SetUnixFileMode(PasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        if (PostgresTools.AsPostgresUser)
        {
            await PostgresTools.GiveToPostgresUserAsync(Folder);
            if (await RunAsync("runuser", "-u", "postgres", "--", "test", "-w", Folder) != 0)
                throw new LaunchException($"the postgres user cannot reach {Folder} (a parent folder is closed to it): choose a JANUS_ACTORS_DATA it can reach, e.g. /var/tmp/janus-actors");
        }
        File.SetUnixFileMode(Socket, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Say.Line($"initialising PostgreSQL in {Data}");
        if (await ToolAsync("initdb", "-D", Data, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256",
                $"--pwfile={PasswordFile}", "--encoding=UTF8", "--locale=C") != 0)
            throw new LaunchException($"initdb failed; the end of {LogFile}:\n{LogFiles.Tail(LogFile, 20)}");
        File.AppendAllText(Path.Combine(Data, "postgresql.conf"), $"""

            # build.sh cluster: private and loopback only.
            listen_addresses = '127.0.0.1'
            unix_socket_directories = '{Socket}'
            unix_socket_permissions = 0700

            """);
    }

    /// <summary>Stops it when this run owns it: a fast shutdown, else an immediate one.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_owned) return;
        _owned = false;
        if (ProcessFiles.Running(Path.Combine(Data, "postmaster.pid"), "postgres") is not null)
        {
            Say.Line("stopping PostgreSQL");
            if (await ToolAsync("pg_ctl", "-D", Data, "-m", "fast", "-w", "-t", "30", "stop") != 0)
                await ToolAsync("pg_ctl", "-D", Data, "-m", "immediate", "-w", "stop");
        }
        ProcessFiles.Delete(OwnerFile);
    }

    /// <summary>A PostgreSQL tool, as the postgres user when this runs as root; its output goes to the log.</summary>
    private async Task<int> ToolAsync(string tool, params string[] arguments)
    {
        var (code, output) = await ToolOutputAsync(tool, arguments);
        File.AppendAllText(LogFile, output);
        return code;
    }

    private static Task<(int ExitCode, string Output)> ToolOutputAsync(string tool, params string[] arguments) =>
        PostgresTools.RunAsync(tool, arguments);

    private static async Task<int> RunAsync(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { UseShellExecute = false }) ?? throw new LaunchException($"could not start {program}");
        await process.WaitForExitAsync();
        return process.ExitCode;
    }
}
