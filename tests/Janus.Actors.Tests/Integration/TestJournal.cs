namespace Janus.Actors.Tests.Integration;

/// <summary>A fresh SQLite journal file in its own temp folder, deleted with the folder.</summary>
public sealed class TestJournal : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("janus-actors-journal-").FullName;

    public string File => Path.Combine(_folder, "journal.db");

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { /* a still-closing SQLite handle; the OS temp cleaner gets it */ }
    }
}
