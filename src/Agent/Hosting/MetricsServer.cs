using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace HaCluster.Agent.Hosting;

/// <summary>
/// A tiny HTTP/1.0 endpoint for <c>GET /metrics</c> (Prometheus text) and <c>GET /status</c> (JSON): a whole web
/// server would be most of the agent's memory. Loopback by default; one request per connection; bad requests get 400.
/// </summary>
public sealed partial class MetricsServer(IPEndPoint endpoint, Func<string> metrics, Func<string> status, ILogger logger) : IDisposable
{
    private const int MaxRequestBytes = 8192;
    private readonly TcpListener _listener = new(endpoint);
    private readonly CancellationTokenSource _stop = new();

    public void Start()
    {
        _listener.Start();
        HostingLog.MetricsListening(logger, endpoint.ToString());
        _ = Task.Run(AcceptLoopAsync);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = Task.Run(() => ServeAsync(client));
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            var stream = client.GetStream();
            var path = await ReadRequestPathAsync(stream, timeout.Token);
            var (code, type, body) = path switch
            {
                "/metrics" => ("200 OK", "text/plain; version=0.0.4; charset=utf-8", metrics()),
                "/status" => ("200 OK", "application/json", status()),
                null => ("400 Bad Request", "text/plain", "bad request\n"),
                _ => ("404 Not Found", "text/plain", "not found: try /metrics or /status\n"),
            };
            var bytes = Encoding.UTF8.GetBytes(body);
            var head = Encoding.ASCII.GetBytes($"HTTP/1.0 {code}\r\nContent-Type: {type}\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n");
            await stream.WriteAsync(head, timeout.Token);
            await stream.WriteAsync(bytes, timeout.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
        {
            // A client that goes away or stalls costs nothing but its connection.
        }
    }

    /// <summary>Reads up to the end of the request head; returns the path of a GET, or null for anything else.</summary>
    private static async Task<string?> ReadRequestPathAsync(NetworkStream stream, CancellationToken token)
    {
        var buffer = new byte[MaxRequestBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), token);
            if (read == 0)
            {
                break;
            }

            length += read;
            if (buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) >= 0 || buffer.AsSpan(0, length).IndexOf("\n\n"u8) >= 0)
            {
                break;
            }
        }

        var line = Encoding.ASCII.GetString(buffer, 0, length).Split('\n')[0].Trim();
        var parts = line.Split(' ');
        return parts.Length >= 2 && parts[0] == "GET" && parts[1].StartsWith('/') ? parts[1].Split('?')[0] : null;
    }
}
