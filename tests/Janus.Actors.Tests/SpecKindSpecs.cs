namespace Janus.Actors.Tests;

[Trait(SpecKind.Name, SpecKind.InProcess)]
public sealed class SpecKindSpecs
{
    [Fact]
    public void Every_spec_class_says_whether_it_runs_in_process_or_end_to_end()
    {
        var specClasses = typeof(SpecKind).Assembly.GetTypes()
            .Where(type => type is { IsClass: true, IsAbstract: false }
                           && type.GetMethods().Any(method => method.IsDefined(typeof(FactAttribute), inherit: true)));

        var unmarked = specClasses
            .Where(type => !type.GetCustomAttributesData().Any(trait =>
                trait.AttributeType == typeof(TraitAttribute)
                && (string?)trait.ConstructorArguments[0].Value == SpecKind.Name
                && trait.ConstructorArguments[1].Value is SpecKind.InProcess or SpecKind.EndToEnd))
            .Select(type => type.FullName)
            .ToList();

        Assert.NotEmpty(specClasses);
        Assert.Empty(unmarked);
    }
}
