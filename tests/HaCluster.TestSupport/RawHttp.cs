using System.Globalization;
using System.Text;

namespace HaCluster.TestSupport;

/// <summary>
/// HTTP/1.1 written byte for byte, as a careless or hostile client would (framing no HttpClient would send), and the
/// server's answer read back: its status, headers and body. The server may close the connection after answering.
/// </summary>
public static class RawHttp
{
    /// <summary>The answer to one raw request.</summary>
    public sealed record Answer(int Status, string Headers, string Body);

    /// <summary>Writes <paramref name="request"/> as is on <paramref name="stream"/> and reads one answer (60 s at most).</summary>
    public static async Task<Answer> SendAsync(Stream stream, string request)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        await stream.FlushAsync();

        var answer = new StringBuilder();
        var buffer = new byte[16384];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                answer.Append(Encoding.UTF8.GetString(buffer, 0, read));
                if (Complete(answer.ToString()))
                {
                    break;
                }
            }
        }
        catch (IOException)
        {
            // the server closed the connection after its answer (it does after a framing error)
        }

        var text = answer.ToString();
        if (!text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) || text.Length < 12)
        {
            throw new InvalidDataException($"not an HTTP/1.1 answer: '{text}'");
        }

        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var (headers, body) = end >= 0 ? (text[..end], text[(end + 4)..]) : (text, "");
        return new Answer(int.Parse(text.AsSpan(9, 3), CultureInfo.InvariantCulture), headers, body);
    }

    /// <summary>Headers read and, with a Content-Length, that many bytes after them.</summary>
    private static bool Complete(string answer)
    {
        var end = answer.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        var header = answer[..end].Split("\r\n").FirstOrDefault(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        return header is null || Encoding.UTF8.GetByteCount(answer[(end + 4)..]) >= int.Parse(header["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture);
    }
}
