using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HaCluster.Controller.Domain;
using HaCluster.Controller.Groups;
using HaCluster.Controller.Tests.Infrastructure;

namespace HaCluster.Controller.Tests;

/// <summary>HMAC keys the controller makes for a group with "auth": "hmac": their steps, where they appear and where never.</summary>
public sealed class HmacKeyTests(SqliteBackendFixture sqlite) : IClassFixture<SqliteBackendFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Rotation_NewKeyAcceptedFirst_ThenSigns_ThenTheOldOneGoes()
    {
        var first = GroupKeyring.Create(Now, migrating: false);
        var accepted = first.Rotate(Now.AddDays(30))!;
        var signing = accepted.Next()!;
        var retired = signing.Next()!;

        static string Show(GroupKeyring k) => $"keys {string.Join(",", k.Keys.Select(key => key.Id))} active {k.ActiveKey} settled {k.Settled}";
        Assert.Equal("keys 1 active 1 settled True", Show(first));
        Assert.Equal("keys 1,2 active 1 settled False", Show(accepted));
        Assert.Null(accepted.Rotate(Now));
        Assert.Equal("keys 1,2 active 2 settled False", Show(signing));
        Assert.Equal("keys 2 active 2 settled True", Show(retired));
        Assert.Null(retired.Next());
        Assert.Equal(64, retired.Active.Secret.Length);
        Assert.NotEqual(first.Active.Secret, retired.Active.Secret);
    }

    [Fact]
    public void Migration_ReceiveOnlyThenPermissiveThenEnforce()
    {
        var steps = new List<string>();
        for (GroupKeyring? k = GroupKeyring.Create(Now, migrating: true); k is not null; k = k.Next())
        {
            steps.Add(k.Mode);
        }

        Assert.Equal(["receive-only", "permissive", "enforce"], steps);
    }

    [Fact]
    public void Rendered_AuthHmacWithEveryKey_ShownAndAuditedWithout()
    {
        var group = Samples.Web with { AuthPass = null, Auth = VipGroup.Hmac, Keyring = GroupKeyring.Create(Now, false).Rotate(Now)!.Next() };
        var text = GroupRenderer.RenderFor(group, "n2");
        var secrets = group.Keyring!.Keys.Select(k => k.Secret).ToList();

        Assert.Contains($"key 1 hex:{secrets[0]}", text, StringComparison.Ordinal);
        Assert.Contains($"key 2 hex:{secrets[1]}", text, StringComparison.Ordinal);
        Assert.Contains("active_key 2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("authentication", text, StringComparison.Ordinal);
        var shown = Secrets.RedactConfig(text) + JsonSerializer.Serialize(GroupDocument.Public(group), GroupJsonContext.Default.GroupDocument)
            + JsonSerializer.Serialize(GroupDocument.Audited(group, null), GroupJsonContext.Default.GroupDocument);
        Assert.All(secrets, s => Assert.DoesNotContain(s, shown, StringComparison.Ordinal));
        Assert.Contains("key 2 (redacted)", Secrets.RedactConfig(text), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HmacGroup_ReadShowsWhichKeySigns_NeverAKey_RotationStartsOnce_AKeyInARequestIsIgnored()
    {
        // The rollout would take each step at once (no member is connected): here it waits, so the first step can be read.
        var settings = new Dictionary<string, string>(sqlite.Backend.NewSettings()) { ["Keys:CheckInterval"] = "01:00:00" };
        await using var app = await ControllerApp.StartAsync(settings);
        using var client = app.CreateClient();
        var injected = GroupDocument.Of(Samples.Web with { AuthPass = null, Auth = "hmac" }) with
        {
            Keyring = new GroupDocument.KeyringDocument([new GroupKey(9, new string('a', 64), Now)], 9, "enforce"),
        };

        var created = await client.PostAsJsonAsync("/api/v1/groups", injected, GroupJsonContext.Default.GroupDocument);
        var read = await client.GetFromJsonAsync<JsonElement>("/api/v1/groups/web");
        var rotate = await client.PostAsync("/api/v1/groups/web/rotate-key", null);
        var rotating = await client.GetFromJsonAsync<JsonElement>("/api/v1/groups/web");
        var config = await client.GetStringAsync("/api/v1/groups/web/config/n1");
        var stored = await app.QueryAsync(db => Task.FromResult(db.Groups.Single().Json));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("hmac", read.GetProperty("auth").GetString());
        Assert.Equal(1, read.GetProperty("hmac").GetProperty("activeKey").GetInt32());
        Assert.False(read.TryGetProperty("keyring", out var keyring) && keyring.ValueKind != JsonValueKind.Null);
        Assert.Equal(HttpStatusCode.Accepted, rotate.StatusCode);
        Assert.True(rotating.GetProperty("hmac").GetProperty("rolling").GetBoolean());
        Assert.Matches(@"key 1 \(redacted\)\s+key 2 \(redacted\)\s+active_key 1", config);
        Assert.DoesNotContain(new string('a', 64), stored, StringComparison.Ordinal);
        Assert.Contains("dp1:", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RotateKey_OfAPassGroup_409_OfNoGroup_404_AuthHmacWithAPassword_400()
    {
        await using var app = await ControllerApp.StartAsync(sqlite.Backend.NewSettings());
        using var client = app.CreateClient();
        await client.PostAsync("/api/v1/groups", Samples.Json(Samples.Web));

        var pass = await client.PostAsync("/api/v1/groups/web/rotate-key", null);
        var none = await client.PostAsync("/api/v1/groups/nope/rotate-key", null);
        var both = await client.PostAsync("/api/v1/groups", Samples.Json(Samples.Db with { Auth = "hmac" }));
        var unknown = await client.PostAsync("/api/v1/groups", Samples.Json(Samples.Db with { AuthPass = null, Auth = "kerberos" }));

        Assert.Equal(HttpStatusCode.Conflict, pass.StatusCode);
        Assert.Contains("does not use \\\"auth\\\": \\\"hmac\\\"", await pass.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);
        Assert.Contains("HMAC-signed adverts carry no password", await both.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("'kerberos' is not none, pass or hmac", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

/// <summary>The rotation schedule: a signing key older than Keys:RotationInterval is replaced by itself, make-before-break.</summary>
public sealed class HmacScheduleTests(SqliteBackendFixture sqlite) : IClassFixture<SqliteBackendFixture>
{
    [Fact]
    public async Task KeyOlderThanTheInterval_RotatedByTheController_ThroughEveryStep_AuditedAsTheController()
    {
        var settings = new Dictionary<string, string>(sqlite.Backend.NewSettings()) { ["Keys:RotationInterval"] = "00:00:02", ["Keys:CheckInterval"] = "00:00:00.100" };
        await using var app = await ControllerApp.StartAsync(settings);
        using var client = app.CreateClient();
        await client.PostAsync("/api/v1/groups", Samples.Json(Samples.Web with { AuthPass = null, Auth = "hmac" }));

        // No member is connected: each step is taken at once (a member that comes back gets the newest config).
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement hmac;
        do
        {
            await Task.Delay(200); // waits for the schedule (2 s) and the rollout's ticks (100 ms)
            hmac = (await client.GetFromJsonAsync<JsonElement>("/api/v1/groups/web")).GetProperty("hmac");
        }
        while (hmac.GetProperty("activeKey").GetInt32() < 2 && DateTime.UtcNow < deadline);

        // Key 2 signs (a later round may already be under way: the interval is short here).
        Assert.True(hmac.GetProperty("activeKey").GetInt32() >= 2, hmac.ToString());
        var audit = await client.GetFromJsonAsync<JsonElement[]>("/api/v1/audit?target=web&limit=100");
        var actions = audit!.Reverse().Select(a => (a.GetProperty("action").GetString(), a.GetProperty("who").GetString())).ToList();
        Assert.Contains(("hmac.rotate", "the controller (HMAC keys)"), actions);
        Assert.True(actions.Count(a => a.Item1 == "hmac.step") >= 1);
        // The first rotation's order: rotate (key 2 accepted), then the step that makes it sign.
        Assert.True(actions.FindIndex(a => a.Item1 == "hmac.rotate") < actions.FindIndex(a => a.Item1 == "hmac.step"));
    }
}
