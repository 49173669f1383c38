using System.Reflection;

namespace Janus.Actors.Tests.Serialization;

/// <summary>A sample of every exception a session replies with, and how to tell that one arrived whole.</summary>
internal static class SessionFailures
{
    /// <summary>Each failure with the <see cref="JanusSessionReclaimException.IsFinal"/> it must keep (null for other types).</summary>
    public static TheoryData<Exception, bool?> All => new()
    {
        { new JanusSessionReclaimException("call-1", 8_745_512_093_211_346, 458, "No such session"), true },
        { new JanusSessionReclaimException("call-1", 42, null, "Janus unreachable since 07:30:00 UTC (4 failed attempts): its reclaim window has lapsed", windowLapsed: true), true },
        { new JanusSessionReclaimException("call-1", 42, null, "transport failed: connection refused"), false },
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
