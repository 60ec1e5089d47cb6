using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using HaCluster.Controller.Tests.Infrastructure;
using Xunit.Abstractions;

namespace HaCluster.Controller.Tests;

/// <summary>
/// Fuzzing of the REST API from its own OpenAPI document (issue 18): every operation, called as an admin with path and
/// query values from a list of troublemakers and JSON bodies that CsCheck builds from the document's property names
/// (wrong types, huge numbers, long and odd strings, deep nesting, nulls). No answer is a 5xx and nothing is logged at
/// error or with an exception.
/// </summary>
public sealed class RestFuzzTests(SqliteBackendFixture sqlite, ITestOutputHelper output) : IClassFixture<SqliteBackendFixture>
{
    private static readonly string[] Values =
    [
        "web", "n1", "1", "0", "-1", "99999999999999999999", "", " ", "..", "%2e%2e%2f", "%00", "a/b", "x'; drop table groups;--",
        new string('a', 300), "\u00e9\u4e2d\ud83d\ude00", "true", "null", "{}", "1h", "90s", "2026-12-06T00:00:00Z", "198.51.100.7/24", "admin",
    ];

    [Fact]
    public async Task EveryOperation_FuzzedValuesAndBodies_NoServerErrorNoErrorLogged()
    {
        // The admin's rate limit raised: a fuzzer's thousands of calls a minute would otherwise be mostly 429s.
        var settings = new Dictionary<string, string>(sqlite.Backend.NewSettings()) { ["Auth:RequestsPerMinute"] = "1000000" };
        await using var app = await ControllerApp.StartAsync(settings);
        using var client = app.CreateClient();
        (await client.PostAsync("/api/v1/groups", Samples.Json(Samples.Web))).EnsureSuccessStatusCode();
        var document = (await client.GetFromJsonAsync<JsonNode>("/openapi/v1.json"))!;
        var operations = Operations(document);
        var names = Names(document);
        Assert.NotEmpty(operations);
        Assert.NotEmpty(names);

        var gen = Gen.Select(Gen.Int[0, operations.Count - 1], Gen.Int[0, Values.Length - 1].Array[4], Json(names, 3), Gen.Int[0, 5],
            (operation, values, body, bodyKind) => new Call(operations[operation], values, bodyKind switch
            {
                0 => null,
                1 => "{\"name\":",
                2 => "[" + string.Concat(Enumerable.Repeat("[", 2000)),
                _ => body?.ToJsonString() ?? "null",
            }));
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        var report = HaCluster.TestSupport.Fuzz.Run("rest", gen, c => Encoding.UTF8.GetBytes(c.ToString()), "http", call =>
        {
            var before = app.ErrorLogs;
            using var request = call.ToRequest();
            using var response = client.SendAsync(request).GetAwaiter().GetResult();
            statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
            Assert.True((int)response.StatusCode < 500, $"{call}: {(int)response.StatusCode} {response.Content.ReadAsStringAsync().GetAwaiter().GetResult()}");
            var logged = app.ErrorLogs.Skip(before.Count).ToList();
            Assert.True(logged.Count == 0, $"{call}: logged {string.Join("\n", logged)}");
        }, seconds: 20, perInput: TimeSpan.FromSeconds(30));
        output.WriteLine($"{report}; answers: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} ×{s.Value}"))}");
    }

    private sealed record Operation(string Method, string Path, string[] Query);

    private sealed record Call(Operation Operation, int[] Values, string? Body)
    {
        public HttpRequestMessage ToRequest()
        {
            var i = 0;
            var path = System.Text.RegularExpressions.Regex.Replace(Operation.Path, @"\{[^}]+\}", _ => Uri.EscapeDataString(RestFuzzTests.Values[Values[i++ % Values.Length]]));
            var query = string.Join('&', Operation.Query.Select(q => $"{q}={Uri.EscapeDataString(RestFuzzTests.Values[Values[i++ % Values.Length]])}"));
            var request = new HttpRequestMessage(new HttpMethod(Operation.Method), query.Length > 0 ? $"{path}?{query}" : path);
            if (Body is not null)
            {
                request.Content = new StringContent(Body, Encoding.UTF8, "application/json");
            }

            return request;
        }

        public override string ToString() => $"{ToRequest().Method} {ToRequest().RequestUri}\n\n{Body}";
    }


    /// <summary>Every operation in the document but signing out (which would end nothing here: the admin has a certificate) — all of them.</summary>
    private static List<Operation> Operations(JsonNode document) =>
        [.. document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject()
            .Where(m => m.Key is "get" or "post" or "put" or "patch" or "delete")
            .Select(m => new Operation(m.Key.ToUpperInvariant(), path.Key,
                [.. (m.Value!["parameters"]?.AsArray() ?? []).Where(p => (string?)p!["in"] == "query").Select(p => (string)p!["name"]!)])))];

    /// <summary>The property names of every schema in the document: what bodies are made of.</summary>
    private static string[] Names(JsonNode document) =>
        [.. (document["components"]?["schemas"]?.AsObject() ?? [])
            .SelectMany(s => s.Value!["properties"]?.AsObject().Select(p => p.Key) ?? []).Distinct().Order()];

    private static Gen<JsonNode> Json(string[] names, int depth)
    {
        var leaf = Gen.Frequency(
            (3, Gen.Int[0, Values.Length - 1].Select(i => (JsonNode)JsonValue.Create(Values[i]))),
            (2, Gen.Long.Select(l => (JsonNode)JsonValue.Create(l))),
            (1, Gen.Double.Select(d => (JsonNode)JsonValue.Create(double.IsFinite(d) ? d : 1e308))),
            (1, Gen.Bool.Select(b => (JsonNode)JsonValue.Create(b))),
            (1, Gen.Const((JsonNode)null!)));
        if (depth == 0)
        {
            return leaf;
        }

        var inner = Json(names, depth - 1);
        var obj = Gen.Select(Gen.Int[0, names.Length - 1], inner, (n, v) => (Name: names[n], Value: v)).Array[0, 8]
            .Select(props =>
            {
                var o = new JsonObject();
                foreach (var (name, value) in props)
                {
                    o[name] = value?.DeepClone();
                }

                return (JsonNode)o;
            });
        var array = inner.Array[0, 6].Select(items => (JsonNode)new JsonArray([.. items.Select(v => v?.DeepClone())]));
        return Gen.Frequency((2, leaf), (4, obj), (1, array));
    }
}
