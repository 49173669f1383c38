using System.Security.Cryptography;
using Npgsql;

namespace Janus.Actors.Fixtures;

/// <summary>
/// A private PostgreSQL 15 cluster for tests: initialised in its own temp directory, run as the <c>postgres</c>
/// OS user, listening only on 127.0.0.1 on a free port with password (SCRAM) authentication and fsync off.
/// Disposing stops it immediately and deletes the directory; a process exit that skips disposal stops it too.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const int LogTailLines = 40;

    private static int _databaseCount;

    private readonly string _root;
    private int _stopped;

    private PostgresServer(string root, int port, string password)
    {
        _root = root;
        Port = port;
        Password = password;
    }

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; }

    /// <summary>The superuser's password. Deliberately full of characters that need quoting.</summary>
    public string Password { get; }

    private string DataDirectory => Path.Combine(_root, "data");
    private string SocketDirectory => Path.Combine(_root, "socket");
    private string LogFile => Path.Combine(_root, "server.log");

    /// <summary>Initialises and starts a new cluster; throws with the server log's tail when it does not come up.</summary>
    public static async Task<PostgresServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var root = Directory.CreateTempSubdirectory("janus-pg-").FullName;
        var server = new PostgresServer(root, LoopbackPorts.Free(), $"pw-{Convert.ToHexString(RandomNumberGenerator.GetBytes(8))}\"'\\;${{x}}#");
        try
        {
            await server.InitialiseAsync(cancellationToken);
            AppDomain.CurrentDomain.ProcessExit += server.StopOnProcessExit;
            await server.ResumeAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates an empty database of its own and returns a connection string for it.</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken = default)
    {
        var name = $"janus_test_{Interlocked.Increment(ref _databaseCount)}";
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres", pooling: false)))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        return ConnectionString(name, pooling: true);
    }

    /// <summary>
    /// A journal outage: stops the server (closing every connection), keeping its data, until <see cref="ResumeAsync"/>.
    /// A fast, not an immediate, stop: with this fixture's <c>synchronous_commit = off</c> an immediate stop would lose
    /// the last commits, which a production database does not.
    /// </summary>
    public Task PauseAsync(CancellationToken cancellationToken = default) =>
        RunAsync("could not stop", cancellationToken, "pg_ctl", "-D", DataDirectory, "-m", "fast", "-w", "-t", "30", "stop");

    /// <summary>Starts the server again on the same port and data after <see cref="PauseAsync"/>.</summary>
    public Task ResumeAsync(CancellationToken cancellationToken = default) =>
        RunAsync("could not start", cancellationToken, "pg_ctl", "-D", DataDirectory, "-l", LogFile, "-w", "-t", "60", "start");

    /// <summary>Stops the server (<c>pg_ctl stop -m immediate</c>, or a kill when that fails) and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= StopOnProcessExit;
        await Task.Run(Stop);
    }

    private void StopOnProcessExit(object? sender, EventArgs e) => Stop();

    private void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        try
        {
            if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            {
                var (exitCode, _) = PostgresTools.Run("pg_ctl", "-D", DataDirectory, "-m", "immediate", "-w", "-t", "30", "stop");
                if (exitCode != 0) KillPostmaster();
            }
        }
        finally
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    // Last resort when pg_ctl cannot stop it: the postmaster's pid is the first line of postmaster.pid; its
    // children exit when they notice the postmaster is gone.
    private void KillPostmaster()
    {
        var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var pid)) return;
        try
        {
            using var postmaster = Process.GetProcessById(pid);
            if (postmaster.ProcessName != "postgres") return; // a stale pid file: the number belongs to someone else now
            postmaster.Kill(entireProcessTree: true);
            postmaster.WaitForExit(TimeSpan.FromSeconds(10));
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
    }

    private async Task InitialiseAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(SocketDirectory);
        var passwordFile = Path.Combine(_root, "password");
        await File.WriteAllTextAsync(passwordFile, Password + "\n", cancellationToken);
        if (!await PostgresTools.GiveToPostgresUserAsync(_root)) throw new InvalidOperationException($"chown -R postgres {_root} failed");

        await RunAsync("initdb failed", cancellationToken, "initdb",
            "-D", DataDirectory, "-U", "postgres", "--auth=scram-sha-256", $"--pwfile={passwordFile}",
            "--encoding=UTF8", "--locale=C", "--no-sync");
        File.Delete(passwordFile);

        await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), $"""

            # Janus.Actors tests: private, loopback only, speed over durability.
            listen_addresses = '127.0.0.1'
            port = {Port}
            unix_socket_directories = '{SocketDirectory}'
            max_connections = 300
            fsync = off
            synchronous_commit = off
            full_page_writes = off
            """, cancellationToken);
    }


    private string ConnectionString(string database, bool pooling) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = "postgres",
        Password = Password,
        Database = database,
        Pooling = pooling,
    }.ConnectionString;

    private async Task RunAsync(string failure, CancellationToken cancellationToken, string tool, params string[] arguments)
    {
        var (exitCode, output) = await PostgresTools.RunAsync(tool, arguments, cancellationToken);
        if (exitCode != 0)
            throw new InvalidOperationException(
                $"PostgreSQL in {_root}: {tool} {failure} (exit {exitCode}).\n{output}\n--- server log (tail) ---\n{LogTail()}");
    }

    private string LogTail() => LogFiles.Tail(LogFile, LogTailLines) ?? "(no server log)";

}
