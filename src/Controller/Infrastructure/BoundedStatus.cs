using Grpc.Core;
using Grpc.Core.Interceptors;

namespace HaCluster.Controller.Infrastructure;

/// <summary>
/// A status detail goes back in an HTTP/2 trailer, and a detail that quotes the caller's input ("group 'aaa…' not
/// found") grows with it: past the client's header limit the call fails as UNAVAILABLE instead of saying what was
/// wrong. Every detail is cut to <see cref="MaxDetail"/> characters, with a mark that it was.
/// </summary>
internal sealed class BoundedStatus : Interceptor
{
    public const int MaxDetail = 1024;

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (RpcException e) when (e.Status.Detail.Length > MaxDetail)
        {
            throw Bounded(e);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (RpcException e) when (e.Status.Detail.Length > MaxDetail)
        {
            throw Bounded(e);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context,
        ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (RpcException e) when (e.Status.Detail.Length > MaxDetail)
        {
            throw Bounded(e);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (RpcException e) when (e.Status.Detail.Length > MaxDetail)
        {
            throw Bounded(e);
        }
    }

    private static RpcException Bounded(RpcException e) =>
        new(new Status(e.StatusCode, e.Status.Detail[..MaxDetail] + $"… ({e.Status.Detail.Length - MaxDetail} more characters)"), e.Trailers);
}
