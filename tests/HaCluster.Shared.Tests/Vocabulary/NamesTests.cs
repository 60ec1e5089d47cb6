using HaCluster.Shared.Vocabulary;

namespace HaCluster.Shared.Tests.Vocabulary;

/// <summary>The vocabulary's string forms: one for every value of every enum, read back to the same value.</summary>
public class NamesTests
{
    [Fact]
    public void EveryVrrpState_HasAName_ThatReadsBack() => RoundTrips<VrrpState>(v => v.Name(), (string n, out VrrpState v) => Names.TryParse(n, out v));

    [Fact]
    public void EveryTransitionReason_HasAName_ThatReadsBack() => RoundTrips<TransitionReason>(v => v.Name(), (string n, out TransitionReason v) => Names.TryParse(n, out v));

    [Fact]
    public void EveryEventKind_HasAName_ThatReadsBack() => RoundTrips<EventKind>(v => v.Name(), (string n, out EventKind v) => Names.TryParse(n, out v));

    [Fact]
    public void EveryGroupHealth_HasAName_ThatReadsBack() => RoundTrips<GroupHealth>(v => v.Name(), (string n, out GroupHealth v) => Names.TryParse(n, out v));

    [Fact]
    public void EveryRole_HasAName_ThatReadsBack() => RoundTrips<Role>(v => v.Name(), (string n, out Role v) => Names.TryParse(n, out v));

    [Theory]
    [InlineData(VrrpState.Master, "MASTER")]
    [InlineData(VrrpState.Stopped, "STOP")]
    [InlineData(VrrpState.Unspecified, "UNKNOWN")]
    public void VrrpState_ReadsAsKeepalivedPrintsIt(VrrpState state, string name) => Assert.Equal(name, state.Name());

    [Fact]
    public void Name_OfAValueFromANewerPeer_IsItsNumber_AndUnknownNamesDoNotParse()
    {
        Assert.Equal("99", ((TransitionReason)99).Name());
        Assert.False(Names.TryParse("gossip", out EventKind _));
        Assert.False(Names.TryParse(null, out GroupHealth _));
    }

    [Fact]
    public void All_ListsTheSpecifiedNames() =>
        Assert.Equal(["ok", "no_master", "split_brain", "unreachable", "drift"], Names.All<GroupHealth>());

    private delegate bool Parse<T>(string name, out T value);

    private static void RoundTrips<T>(Func<T, string> name, Parse<T> parse)
        where T : struct, Enum
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in Enum.GetValues<T>())
        {
            var text = name(value);
            Assert.False(int.TryParse(text, out _), $"{typeof(T).Name}.{value} has no name");
            Assert.True(names.Add(text), $"{typeof(T).Name}: '{text}' names two values");
            Assert.True(parse(text, out var back));
            Assert.Equal(value, back);
        }
    }
}
