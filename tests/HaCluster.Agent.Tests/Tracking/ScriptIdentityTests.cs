using HaCluster.Agent.Tracking;

namespace HaCluster.Agent.Tests.Tracking;

/// <summary>keepalived's <c>user USER [GROUP]</c> against this machine's user database (Debian: nobody's group is nogroup).</summary>
public class ScriptIdentityTests
{
    [Fact]
    public void UserWithoutGroup_TakesTheUsersPrimaryGroup_NotAGroupOfTheSameName()
    {
        var nobody = ScriptIdentity.Resolve("nobody", null, out var error);

        Assert.Null(error);
        Assert.Equal(new ScriptIdentity("nobody", 65534, 65534), nobody);
        Assert.Equal(new ScriptIdentity("root", 0, 0), ScriptIdentity.Resolve("root", null, out _));
    }

    [Fact]
    public void UserAndGroup_TakeTheNamedGroup()
    {
        Assert.Equal(new ScriptIdentity("nobody", 65534, 0), ScriptIdentity.Resolve("nobody", "root", out _));
    }

    [Theory]
    [InlineData("hacluster-no-such-user", null, "no such user 'hacluster-no-such-user'")]
    [InlineData("nobody", "hacluster-no-such-group", "no such group 'hacluster-no-such-group'")]
    public void Unknown_IsAnErrorNamingIt(string user, string? group, string expected)
    {
        Assert.Null(ScriptIdentity.Resolve(user, group, out var error));
        Assert.Equal(expected, error);
    }
}
