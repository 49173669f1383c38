namespace Janus.Actors.Fixtures;

/// <summary>
/// A small real file system (tmpfs, mounted as root, as CI runs) to put a journal on and fill: <see cref="Fill"/> writes
/// until the kernel answers ENOSPC, deleting the returned file frees the space. Disposing unmounts and deletes the folder.
/// </summary>
public sealed class SmallDisk : IAsyncDisposable
{
    private SmallDisk(string folder) => Folder = folder;

    /// <summary>Where the file system is mounted.</summary>
    public string Folder { get; }

    /// <summary>Whether this process may mount one (root).</summary>
    public static bool CanMount => Environment.UserName == "root";

    /// <summary>Mounts a tmpfs of <paramref name="megabytes"/> MiB on a fresh temp folder.</summary>
    public static async Task<SmallDisk> MountAsync(int megabytes)
    {
        var folder = Directory.CreateTempSubdirectory("janus-actors-small-disk-").FullName;
        await RunAsync("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", folder);
        return new SmallDisk(folder);
    }

    /// <summary>Writes a file until the file system refuses more; returns it.</summary>
    public string Fill()
    {
        var filler = Path.Combine(Folder, $"filler-{Guid.NewGuid():N}");
        using var file = File.Create(filler);
        var chunk = new byte[64 * 1024];
        try
        {
            while (true) file.Write(chunk);
        }
        catch (IOException)
        {
            return filler; // ENOSPC
        }
    }

    public async ValueTask DisposeAsync()
    {
        await RunAsync("umount", "-l", Folder);
        Directory.Delete(Folder, recursive: true);
    }

    private static async Task RunAsync(string command, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error} — a small disk needs root, as CI has");
    }
}
