using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Tests.Infrastructure;

namespace HaCluster.Controller.Tests;

/// <summary>Every input bounded: bodies per route, members and VIPs per group, errors per answer.</summary>
public sealed class LimitsTests(SqliteBackendFixture sqlite) : IClassFixture<SqliteBackendFixture>
{
    [Fact]
    public async Task ThousandMembers_RefusedAtTheCap_BeforeAnyOtherCheck_TenThousandAt413_BothQuickly()
    {
        await using var app = await ControllerApp.StartAsync(sqlite.Backend.NewSettings());
        static VipGroup WithMembers(int count) => Samples.Web with
        {
            Members = [.. Enumerable.Range(0, count).Select(i => new Member($"n{i}", $"10.{i / 65536}.{i / 256 % 256}.{i % 256}", 100))],
        };

        // As curl sends a large body: with its Content-Length and Expect: 100-continue, so the server refuses an oversized
        // one before it is sent (a chunked body is refused only once the limit has been read, and the server then closes
        // while the client is still writing, which the client may see as a broken pipe).
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.ExpectContinue = true;
        static async Task<HttpContent> Sized(VipGroup group)
        {
            var content = Samples.Json(group);
            await content.LoadIntoBufferAsync();
            return content;
        }

        var (thousandBody, tenThousandBody) = (await Sized(WithMembers(1_000)), await Sized(WithMembers(10_000)));
        Assert.NotNull(tenThousandBody.Headers.ContentLength);
        var clock = Stopwatch.StartNew();
        var thousand = await client.PostAsync("/api/v1/groups", thousandBody);
        var tenThousand = await client.PostAsync("/api/v1/groups", tenThousandBody);
        var took = clock.Elapsed;

        Assert.Equal(HttpStatusCode.BadRequest, thousand.StatusCode);
        var problem = await thousand.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["members"], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        Assert.Equal("at most 64 members, found 1000", problem.GetProperty("errors").GetProperty("members")[0].GetString());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tenThousand.StatusCode); // ~600 KiB of JSON: over the route's 256 KiB
        // 10,000 members once took 35 s and a 2.78 GB answer (issue 8). A loose bound: the machine is shared.
        Assert.True(took < TimeSpan.FromSeconds(10), $"refused after {took}");
    }

    [Fact]
    public async Task SixtyFiveVips_Refused_SixtyFourMembersAccepted()
    {
        await using var app = await ControllerApp.StartAsync(sqlite.Backend.NewSettings());
        var vips = Enumerable.Range(0, 65).Select(i => new Vip($"198.51.100.{i + 1}/32")).ToArray();

        var tooMany = await app.CreateClient().PostAsync("/api/v1/groups", Samples.Json(Samples.Web with { VirtualIps = [.. vips] }));

        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Contains("at most 64 virtual IPs, found 65", await tooMany.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManyProblems_First100Listed_ThenHowManyMore()
    {
        await using var app = await ControllerApp.StartAsync(sqlite.Backend.NewSettings());
        var bad = Samples.Web with
        {
            VirtualIps = [.. Enumerable.Range(0, 64).Select(i => new Vip($"not-an-address-{i}"))],
            Members = [.. Enumerable.Range(0, 64).Select(i => new Member($"bad name {i}", $"nor-this-{i}", 999))],
        };

        var response = await app.CreateClient().PostAsync("/api/v1/groups", Samples.Json(bad));

        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        var messages = errors.EnumerateObject().SelectMany(p => p.Value.EnumerateArray()).Select(m => m.GetString()!).ToList();
        Assert.Equal(101, messages.Count);
        Assert.Matches(@"^and \d+ more problem\(s\) not listed$", errors.GetProperty("$")[0].GetString()!);
    }

    [Fact]
    public async Task WatchStreams_EightPerCaller_TheNinthRefusedWithWhy_AnotherCallerUnaffected_AClosedOneFreesItsSlot()
    {
        await using var app = await ControllerApp.StartAsync(sqlite.Backend.NewSettings());
        using var vera = app.Channel(await app.IssueAsync("vera", HaCluster.Shared.Vocabulary.Role.Viewer));
        using var admin = app.Channel();
        var calls = new List<Grpc.Core.AsyncServerStreamingCall<HaCluster.Contracts.WatchResponse>>();
        for (var i = 0; i < 8; i++)
        {
            var call = new HaCluster.Contracts.Admin.AdminClient(vera).Watch(new HaCluster.Contracts.WatchRequest());
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            calls.Add(call);
        }

        using var ninth = new HaCluster.Contracts.Admin.AdminClient(vera).Watch(new HaCluster.Contracts.WatchRequest());
        var refused = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => ninth.ResponseStream.MoveNext(CancellationToken.None));
        using var other = new HaCluster.Contracts.Admin.AdminClient(admin).Watch(new HaCluster.Contracts.WatchRequest());
        Assert.True(await other.ResponseStream.MoveNext(CancellationToken.None));
        calls[0].Dispose();
        var freed = false;
        for (var attempt = 0; attempt < 50 && !freed; attempt++)
        {
            using var again = new HaCluster.Contracts.Admin.AdminClient(vera).Watch(new HaCluster.Contracts.WatchRequest());
            try
            {
                freed = await again.ResponseStream.MoveNext(CancellationToken.None);
            }
            catch (Grpc.Core.RpcException e) when (e.StatusCode == Grpc.Core.StatusCode.ResourceExhausted)
            {
                await Task.Delay(100); // waits for the controller to see the cancelled stream end
            }
        }

        Assert.Equal(Grpc.Core.StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Equal("viewer vera has 8 live Watch streams already: close one first", refused.Status.Detail);
        Assert.True(freed);
        calls.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task Bodies_OverTheirRoutesCap_413Problem_NotA500()
    {
        await using var app = await ControllerApp.StartAsync(sqlite.Backend.NewSettings());
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.ExpectContinue = true; // see ThousandMembers_…: refused before the body is sent
        using var anonymous = app.Client(null);
        anonymous.DefaultRequestHeaders.ExpectContinue = true;
        var megabyte = new StringContent("{\"name\":\"" + new string('a', 1024 * 1024) + "\"}", Encoding.UTF8, "application/json");
        var session = new StringContent("{\"user\":\"" + new string('a', 100 * 1024) + "\"}", Encoding.UTF8, "application/json");

        var group = await client.PostAsync("/api/v1/groups", megabyte);
        var signIn = await anonymous.PostAsync("/api/v1/session", session);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, group.StatusCode);
        Assert.Equal("application/problem+json", group.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, signIn.StatusCode);
    }
}
