using Janus.Actors.Servers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Janus.Actors.Hosting;

/// <summary>
/// The <c>Janus:Servers</c> entries of a bound configuration section, checked against what was bound: a list binder
/// skips an entry it cannot convert (a typo in <c>Capacity</c> would make the server silently not exist) and ignores an
/// unknown key (<c>Capcity</c>). Either fails the start, naming the entry.
/// </summary>
internal sealed class JanusServersSectionValidator(IConfiguration section) : IValidateOptions<JanusSessionsOptions>
{
    private static readonly HashSet<string> Settings =
        typeof(JanusServerSettings).GetProperties().Select(property => property.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);

    public ValidateOptionsResult Validate(string? name, JanusSessionsOptions options)
    {
        var servers = section.GetSection("Janus:Servers");
        var entries = servers.GetChildren().ToList();
        var failures = entries.SelectMany(entry => entry.GetChildren().Where(setting => !Settings.Contains(setting.Key))
                .Select(setting => $"{setting.Path} is not a server setting (they are {string.Join(", ", Settings)})"))
            .ToList();
        if (options.Janus.Servers.Count != entries.Count)
            failures.Add($"{servers.Path} has entries that could not be read (a value of the wrong type, e.g. Capacity or Weight not a whole number, Retired not true/false): every entry must bind");
        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
