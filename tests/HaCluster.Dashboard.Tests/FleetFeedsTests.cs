using Grpc.Net.Client;
using HaCluster.Contracts;
using HaCluster.Dashboard.Access;
using HaCluster.Dashboard.Services;
using HaCluster.Shared.Vocabulary;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace HaCluster.Dashboard.Tests;

/// <summary>One live feed per signed-in person, shared by their tabs, kept a while after the last tab closes.</summary>
public sealed class FleetFeedsTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _clock = new();
    private readonly GrpcChannel _channel = GrpcChannel.ForAddress("https://controller.invalid");
    private readonly FleetFeeds _feeds;

    public FleetFeedsTests() => _feeds = new FleetFeeds(new Admin.AdminClient(_channel), _clock, NullLoggerFactory.Instance);

    [Fact]
    public void SamePerson_OneFeed_AnotherPerson_TheirOwn()
    {
        var alice = _feeds.Acquire("local:alice", null);
        var aliceAgain = _feeds.Acquire("local:alice", null);
        var bob = _feeds.Acquire("oidc:bob", null);

        Assert.Same(alice, aliceAgain);
        Assert.NotSame(alice, bob);
        Assert.Equal(2, _feeds.Count);
    }

    [Fact]
    public async Task LastTabGone_FeedKeptForTheLinger_ThenStopped_ANewTabInTimeKeepsIt()
    {
        var first = _feeds.Acquire("local:alice", null);
        _feeds.Release("local:alice");
        _clock.Advance(FleetFeeds.Linger - TimeSpan.FromSeconds(1));
        Assert.Same(first, _feeds.Acquire("local:alice", null));

        _feeds.Release("local:alice");
        _clock.Advance(FleetFeeds.Linger);
        await WaitAsync(() => _feeds.Count == 0);

        Assert.NotSame(first, _feeds.Acquire("local:alice", null));
    }

    [Fact]
    public void Roles_GrantWhatTheyContain_AndTheReasonNamesBoth()
    {
        var viewer = SignedIn.Principal("bob", "viewer", "local", "t");

        Assert.True(SignedIn.Can(viewer, Role.Viewer));
        Assert.False(SignedIn.Can(viewer, Role.Operator));
        Assert.True(SignedIn.Can(SignedIn.Principal("a", "admin", "local", "t"), Role.Operator));
        Assert.False(SignedIn.Can(SignedIn.Principal("n", "agent", "local", "t"), Role.Viewer));
        Assert.Equal("Deleting groups needs the admin role; you are signed in as viewer.", SignedIn.Why(viewer, Role.Admin, "Deleting groups"));
    }

    [Theory]
    [InlineData("/events", "/events")]
    [InlineData("/groups/web?x=1", "/groups/web?x=1")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("", "/")]
    [InlineData(null, "/")]
    public void ReturnAddress_OnlyThisSite(string? asked, string used) => Assert.Equal(used, SignedIn.LocalPath(asked));

    public async ValueTask DisposeAsync()
    {
        await _feeds.DisposeAsync();
        _channel.Dispose();
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(10); // the stop runs on the timer's thread
        }

        Assert.True(condition());
    }
}
