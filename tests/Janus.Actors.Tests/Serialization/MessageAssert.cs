using System.Collections;
using System.Reflection;

namespace Janus.Actors.Tests.Serialization;

/// <summary>
/// Compares a message with its copy from the wire member by member: records by their public properties, lists item by
/// item, <see cref="JsonElement"/>s by their raw JSON text (a JsonElement has no value equality), actor refs by the
/// actor they point to. Record equality would fail on every list and JsonElement even when nothing was lost.
/// </summary>
internal static class MessageAssert
{
    public static void Intact(object expected, object? actual) => Compare(expected, actual, expected.GetType().Name);

    private static void Compare(object? expected, object? actual, string path)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{path}: expected {expected ?? "null"}, got {actual ?? "null"}");
            return;
        }

        switch (expected)
        {
            case JsonElement json:
                var actualJson = Assert.IsType<JsonElement>(actual);
                Assert.True(json.GetRawText() == actualJson.GetRawText(), $"{path}: expected {json.GetRawText()}, got {actualJson.GetRawText()}");
                return;
            case string or Enum or IActorRef or bool or int or long:
                Assert.True(expected.Equals(actual), $"{path}: expected {expected}, got {actual}");
                return;
            case IEnumerable items: // any list type: a deserialized IReadOnlyList is a List
                var expectedItems = items.Cast<object?>().ToList();
                var actualItems = ((IEnumerable)actual).Cast<object?>().ToList();
                Assert.True(expectedItems.Count == actualItems.Count, $"{path}: expected {expectedItems.Count} items, got {actualItems.Count}");
                for (var i = 0; i < expectedItems.Count; i++) Compare(expectedItems[i], actualItems[i], $"{path}[{i}]");
                return;
            default:
                Assert.True(expected.GetType() == actual.GetType(), $"{path}: expected a {expected.GetType()}, got a {actual.GetType()}");
                foreach (var property in expected.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
                    Compare(property.GetValue(expected), property.GetValue(actual), $"{path}.{property.Name}");
                return;
        }
    }
}
