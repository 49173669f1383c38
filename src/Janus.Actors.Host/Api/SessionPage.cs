using System.Globalization;
using Janus.Actors.Diagnostics;
using Janus.Actors.Sessions;

namespace Janus.Actors.Host.Api;

/// <summary>
/// <c>GET /v1/sessions?state=&amp;limit=&amp;after=</c>: sessions in key order (ordinal), optionally of one state, a page at
/// a time. Without <c>limit</c> every matching session is listed (as before paging existed); with it at most
/// <c>limit</c> (1–1000), and when more follow, a <c>Link: &lt;…&gt;; rel="next"</c> header names the next page.
/// </summary>
public sealed record SessionPage(JanusSessionStatus? State, int? Limit, string? After)
{
    public const int MaxLimit = 1000;

    public static SessionPage From(HttpRequest request)
    {
        var query = request.Query;
        JanusSessionStatus? state = query["state"].FirstOrDefault() is { } name
            ? Enum.GetValues<JanusSessionStatus>().Where(s => s.ToName() == name).Cast<JanusSessionStatus?>().FirstOrDefault()
              ?? throw new ApiInputException($"state must be one of {string.Join(", ", Enum.GetValues<JanusSessionStatus>().Select(JanusSessionStatusNames.ToName))}")
            : null;
        int? limit = query["limit"].FirstOrDefault() is { } text
            ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= MaxLimit
                ? n
                : throw new ApiInputException($"limit must be a whole number from 1 to {MaxLimit}")
            : null;
        var after = query["after"].FirstOrDefault() is { } key ? ApiInput.Key(key) : null;
        return new SessionPage(state, limit, after);
    }

    /// <summary>This page of <paramref name="sessions"/>, and the query of the next one when more follow.</summary>
    public (IReadOnlyList<JanusSessionInfo> Sessions, string? Next) Apply(IEnumerable<JanusSessionInfo> sessions)
    {
        var matching = sessions
            .Where(s => State is null || s.State == State)
            .Where(s => After is null || string.CompareOrdinal(s.Key, After) > 0)
            .OrderBy(s => s.Key, StringComparer.Ordinal);
        if (Limit is not { } limit) return (matching.ToList(), null);
        var page = matching.Take(limit + 1).ToList();
        if (page.Count <= limit) return (page, null);
        page.RemoveAt(limit);
        var next = $"limit={limit}&after={Uri.EscapeDataString(page[^1].Key)}" + (State is { } s ? $"&state={s.ToName()}" : "");
        return (page, next);
    }
}
