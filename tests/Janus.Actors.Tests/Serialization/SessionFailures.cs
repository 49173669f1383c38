using System.Reflection;
using Janus.Actors.Sessions;
using Xunit;

namespace Janus.Actors.Tests.Serialization;

/// <summary>A sample of every exception a session replies with, and how to tell that one arrived whole.</summary>
internal static class SessionFailures
{
    private static readonly DateTimeOffset Deadline = new(2026, 11, 24, 7, 30, 0, TimeSpan.FromHours(1));

    /// <summary>Each failure with the <see cref="SessionReclaimException.IsFinal"/> it must keep (null for other types).</summary>
    public static TheoryData<Exception, bool?> All => new()
    {
        { new SessionReclaimException("call-1", 8_745_512_093_211_346, 458, "No such session") { Attempt = 3, Deadline = Deadline }, true },
        { new SessionReclaimException("call-1", 42, null, "reclaim window lapsed after 4 failed attempts while Janus was unreachable", windowLapsed: true), true },
        { new SessionReclaimException("call-1", 42, null, "transport failed: connection refused") { Attempt = 1, Deadline = Deadline }, false },
        { new JanusRequestException("message", 456, "No such handle 77 in session 42"), null },
        { new JanusSessionUnavailableException("call-1", JanusSessionStatus.Reclaiming, "journal unavailable: database is locked"), null },
        { new JanusSessionNotFoundException("call-9"), null },
        { new JanusSessionExistsException("call-1"), null },
    };

    /// <summary>Same type, same message, and the same value in every property the type declares, internal ones included.</summary>
    public static void Intact(Exception expected, Exception? actual)
    {
        Assert.NotNull(actual);
        Assert.IsType(expected.GetType(), actual);
        Assert.Equal(expected.Message, actual.Message);
        foreach (var property in expected.GetType().GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            Assert.True(Equals(property.GetValue(expected), property.GetValue(actual)),
                $"{property.Name}: expected {property.GetValue(expected) ?? "null"}, got {property.GetValue(actual) ?? "null"}");
    }
}
