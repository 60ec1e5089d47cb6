using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace HaCluster.TestSupport;

/// <summary>
/// A real HTTP server on loopback (HttpListener) that takes webhook POSTs, as a receiver would: it records each request
/// and answers what <see cref="Respond"/> says for it (200 unless told). <see cref="Verify"/> checks a signature the way
/// the README tells receivers to.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly HttpListener listener = new();
    private readonly ConcurrentQueue<Received> received = new();
    private readonly Task loop;
    private int count;

    public sealed record Received(int Number, DateTimeOffset At, string Path, string Body, IReadOnlyDictionary<string, string> Headers, int AnsweredWith);

    private WebhookReceiver(int port)
    {
        Url = new Uri($"http://127.0.0.1:{port}/hook");
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    public Uri Url { get; }

    /// <summary>The status for the request numbered (from 1) as given; 200 by default.</summary>
    public Func<int, int> Respond { get; set; } = _ => 200;

    /// <summary>How long to wait before answering request N (counted from 1): a receiver slower than the sender's timeout.</summary>
    public Func<int, TimeSpan> Delay { get; set; } = _ => TimeSpan.Zero;

    public IReadOnlyList<Received> Requests => [.. received.OrderBy(r => r.Number)];

    public static WebhookReceiver Start() => new(FreePort.Next());

    public async Task<IReadOnlyList<Received>> WaitForAsync(int requests, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (received.Count < requests && DateTime.UtcNow < deadline)
            await Task.Delay(50); // waits for the controller's delivery worker
        return Requests;
    }

    /// <summary>True when <paramref name="header"/> (<c>t=UNIX,v1=HEX</c>) is HMAC-SHA256(secret, "UNIX.BODY") and UNIX within <paramref name="maxAge"/> of now.</summary>
    public static bool Verify(string secret, string? header, string body, TimeSpan maxAge)
    {
        var parts = (header ?? "").Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("t", out var t) || !parts.TryGetValue("v1", out var v1) || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var unix))
            return false;
        if (Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - unix) > maxAge.TotalSeconds)
            return false;
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}"));
        return CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(v1.Length % 2 == 0 && v1.All(Uri.IsHexDigit) ? v1 : "00"));
    }

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var number = Interlocked.Increment(ref count);
            var status = Respond(number);
            var headers = context.Request.Headers.AllKeys.OfType<string>().ToDictionary(k => k, k => context.Request.Headers[k] ?? "", StringComparer.OrdinalIgnoreCase);
            received.Enqueue(new Received(number, DateTimeOffset.UtcNow, context.Request.Url?.AbsolutePath ?? "", body, headers, status));
            if (Delay(number) is { Ticks: > 0 } delay)
            {
                _ = AnswerLaterAsync(context, status, delay);
                continue;
            }

            context.Response.StatusCode = status;
            context.Response.Close();
        }
    }

    private static async Task AnswerLaterAsync(HttpListenerContext context, int status, TimeSpan delay)
    {
        await Task.Delay(delay);
        try
        {
            context.Response.StatusCode = status;
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
            // the sender gave up and closed the connection
        }
    }

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        listener.Close();
        await loop;
    }
}
