namespace Janus.Actors.Hosting;

/// <summary>The property names of a message template (<c>"Session {SessionKey} lost: {Code}"</c>), in order.</summary>
internal static class MessageTemplate
{
    public static IReadOnlyList<string> Names(string? template)
    {
        var names = new List<string>();
        if (string.IsNullOrEmpty(template)) return names;
        for (var i = 0; i < template.Length; i++)
        {
            if (template[i] != '{') continue;
            if (i + 1 < template.Length && template[i + 1] == '{')
            {
                i++; // "{{" is a literal brace
                continue;
            }
            var end = template.IndexOf('}', i + 1);
            if (end < 0) break;
            var hole = template.AsSpan(i + 1, end - i - 1);
            var cut = hole.IndexOfAny(',', ':'); // alignment or format
            var name = (cut < 0 ? hole : hole[..cut]).TrimStart('@').TrimStart('$');
            names.Add(name.ToString());
            i = end;
        }
        return names;
    }
}
