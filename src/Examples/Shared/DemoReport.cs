namespace Janus.Actors.Examples;

/// <summary>
/// What a demo prints: numbered steps, notes, and checks — <c>[ok] label: details</c> or <c>[FAILED] label: details</c>,
/// the facts a user would verify by hand. The demo's exit code is 0 only when every check passed.
/// </summary>
public sealed class DemoReport
{
    private readonly List<string> _failed = [];
    private int _step;

    /// <summary>
    /// Runs a demo's story in a fresh temp folder (deleted afterwards) and returns its exit code: 0 when every check
    /// held, 1 when one failed or the story threw.
    /// </summary>
    public static async Task<int> RunAsync(string folderPrefix, Func<DemoReport, string, Task> story)
    {
        var report = new DemoReport();
        var folder = Directory.CreateTempSubdirectory(folderPrefix).FullName;
        try
        {
            await story(report, folder);
            return report.Finish();
        }
        catch (Exception e)
        {
            return report.Finish(e);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public void Step(string text) => Console.WriteLine($"{Environment.NewLine}==> {++_step}. {text}");

    public void Say(string text) => Console.WriteLine($"    {text}");

    /// <summary>Prints one check and remembers a failure; returns <paramref name="ok"/>.</summary>
    public bool Check(bool ok, string label, string details)
    {
        Console.WriteLine($"    [{(ok ? "ok" : "FAILED")}] {label}: {details}");
        if (!ok)
            _failed.Add(label);
        return ok;
    }

    /// <summary>Prints the verdict and returns the process exit code.</summary>
    public int Finish(Exception? failure = null)
    {
        if (failure is not null)
        {
            Console.WriteLine($"{Environment.NewLine}The demo stopped: {failure.GetType().Name}: {failure.Message}");
            _failed.Add(failure.GetType().Name);
        }
        Console.WriteLine(_failed.Count == 0
            ? $"{Environment.NewLine}Demo passed: every check held."
            : $"{Environment.NewLine}Demo FAILED: {string.Join(", ", _failed)}");
        return _failed.Count == 0 ? 0 : 1;
    }
}
