using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using HaCluster.TestSupport;

namespace HaCluster.Dashboard.IntegrationTests;

/// <summary>
/// Issue 18 on the dashboard's own endpoints: the sign-in form (anonymous), the sign-out form and the Blazor hub (signed
/// in), each sent malformed framing byte for byte — body too large 413, bad chunking 400, a body shorter than its
/// Content-Length 408 once the body timeout has passed, a wrong media type 415 — never a 500, and nothing logged as an
/// error by the dashboard process.
/// </summary>
public sealed partial class MalformedRequestTests(MalformedRequestTests.Stack fixture) : IClassFixture<MalformedRequestTests.Stack>
{
    /// <summary>One controller and dashboard for every case here, with a signed-in session for the routes that need one.</summary>
    public sealed class Stack : IAsyncLifetime
    {
        internal DashboardStack? Dashboard { get; private set; }

        /// <summary>The signed-in admin's cookies, as a Cookie header's value.</summary>
        public string SessionCookies { get; private set; } = "";

        public async Task InitializeAsync()
        {
            if (!Privileges.CanUseNamespaces)
            {
                return; // each test skips with the reason
            }

            Dashboard = await DashboardStack.StartAsync();
            var cookies = new CookieContainer();
            using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = Dashboard.Url };
            var form = await http.GetStringAsync("/signin");
            var token = AntiforgeryToken().Match(form).Groups[1].Value;
            var signIn = await http.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "signin",
                ["__RequestVerificationToken"] = token,
                ["Input.User"] = DashboardStack.Admin,
                ["Input.Password"] = DashboardStack.Password,
            }));
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
            SessionCookies = cookies.GetCookieHeader(Dashboard.Url);
            Assert.Contains("hacluster-session=", SessionCookies, StringComparison.Ordinal);
        }

        /// <summary>A new Blazor hub connection (SignalR's negotiate), signed in: its connection token.</summary>
        public async Task<string> NegotiateAsync()
        {
            using var http = new HttpClient { BaseAddress = Dashboard!.Url };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1");
            request.Headers.Add("Cookie", SessionCookies);
            var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return body.RootElement.GetProperty("connectionToken").GetString()!;
        }

        public async Task DisposeAsync()
        {
            if (Dashboard is not null)
            {
                await Dashboard.DisposeAsync();
            }
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    /// <summary>Route, and whether it needs the signed-in session.</summary>
    public static TheoryData<string, bool> Routes => new()
    {
        { "/signin", false },
        { "/signout", true },
        // The Blazor hub's long-polling send, on a connection just negotiated.
        { "/_blazor?id={connection}", true },
    };

    [SkippableTheory]
    [MemberData(nameof(Routes))]
    public async Task ContentLengthOverTheLimit_Is413(string path, bool signedIn)
    {
        var answer = await SendAsync($"POST {path} HTTP/1.1\r\nHost: localhost\r\n{Cookie(signedIn)}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 30000001\r\n\r\na=");

        AssertProblem(413, answer);
    }

    [SkippableTheory]
    [MemberData(nameof(Routes))]
    public async Task ChunkSizeNotHex_Is400(string path, bool signedIn)
    {
        var answer = await SendAsync($"POST {path} HTTP/1.1\r\nHost: localhost\r\n{Cookie(signedIn)}Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\na=b\r\n0\r\n\r\n");

        AssertProblem(400, answer);
    }

    [SkippableTheory]
    [MemberData(nameof(Routes))]
    public async Task BodyShorterThanItsContentLength_Is408AfterTheBodyTimeout(string path, bool signedIn)
    {
        var answer = await SendAsync($"POST {path} HTTP/1.1\r\nHost: localhost\r\n{Cookie(signedIn)}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\na=");

        AssertProblem(408, answer);
    }

    [SkippableTheory]
    [InlineData("/signin", false)]
    [InlineData("/signout", true)]
    public async Task FormOfTheWrongMediaType_Is415(string path, bool signedIn)
    {
        var answer = await SendAsync($"POST {path} HTTP/1.1\r\nHost: localhost\r\n{Cookie(signedIn)}Content-Type: text/plain\r\nContent-Length: 3\r\n\r\na=b");

        AssertProblem(415, answer);
    }

    /// <summary>The status, with problem details saying it; and nothing logged as an error.</summary>
    private void AssertProblem(int status, RawHttp.Answer answer)
    {
        Assert.True(answer.Status == status, answer.ToString());
        Assert.Contains("application/problem+json", answer.Headers, StringComparison.Ordinal);
        Assert.Contains($"\"status\":{status}", answer.Body, StringComparison.Ordinal);
        AssertNoErrorsLogged();
    }

    private string Cookie(bool signedIn) => signedIn ? $"Cookie: {fixture.SessionCookies}\r\n" : "";

    private async Task<RawHttp.Answer> SendAsync(string request)
    {
        Privileges.RequireOrSkip("the dashboard's tests (a lab for the controller and its agents)", "dotnet");
        var url = fixture.Dashboard!.Url;
        if (request.Contains("{connection}", StringComparison.Ordinal))
        {
            request = request.Replace("{connection}", await fixture.NegotiateAsync(), StringComparison.Ordinal);
        }

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(url.Host, url.Port);
        return await RawHttp.SendAsync(tcp.GetStream(), request);
    }

    /// <summary>No line the dashboard logged at error or critical (a client's mistake is not the server's error).</summary>
    private void AssertNoErrorsLogged()
    {
        var errors = fixture.Dashboard!.Dashboard.Process.Output.Split('\n')
            .Where(line => line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal)
                || line.Contains("Exception", StringComparison.Ordinal))
            .ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }
}
