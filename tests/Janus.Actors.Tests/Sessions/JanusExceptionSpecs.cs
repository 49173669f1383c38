namespace Janus.Actors.Tests.Sessions;

/// <summary>Users can catch every failure of the library at once.</summary>
[Trait(SpecKind.Name, SpecKind.InProcess)]
public sealed class JanusExceptionSpecs
{
    [Fact]
    public void Every_exception_the_library_declares_is_a_JanusException_named_Janus()
    {
        var exceptions = typeof(JanusException).Assembly.GetTypes()
            .Where(t => typeof(Exception).IsAssignableFrom(t) && t != typeof(JanusException))
            .ToList();

        Assert.NotEmpty(exceptions);
        Assert.All(exceptions, t => Assert.True(typeof(JanusException).IsAssignableFrom(t), $"{t.Name} does not derive from JanusException"));
        Assert.All(exceptions.Where(t => t.IsPublic), t => Assert.StartsWith("Janus", t.Name));
    }
}
