using System.Data.Common;
using System.Threading.Channels;

namespace Workbook.SearchLogs;

/// <summary>What a load saw of its file: every record counted once, so the verify step can prove none was lost.</summary>
internal sealed record LoadCounts(long RowsRead, long LineNumberSum, long Staged, long Rejected, long FileLength, DateTime FileWriteTimeUtc);

/// <summary>
/// Streams one raw CSV into its staging table in one transaction. Parsing (CSV, timestamps, query normalization)
/// runs on one thread and feeds batches through a bounded channel to the database writer on another, so the two
/// overlap without holding the file in memory. Rows that cannot be read go to <c>stg_rejected</c> with their raw
/// text and reason.
/// </summary>
internal static class RawLogLoader
{
    private const int BatchSize = 8192;

    private sealed class Batch<TRow>
    {
        public readonly TRow[] Rows = new TRow[BatchSize];
        public int Count;
        public readonly List<LoadReject> Rejects = [];
    }

    public static async Task<LoadCounts> LoadAsync<TRow>(
        DbConnection connection, string path, IRawRowParser<TRow> parser, string stagingTable, string rejectedTable, string runId,
        CancellationToken ct)
    {
        var dialect = SqlDialect.Of(connection);
        var channel = Channel.CreateBounded<Batch<TRow>>(new BoundedChannelOptions(8) { SingleReader = true, SingleWriter = true });
        long rowsRead = 0, lineSum = 0;
        var info = new FileInfo(path);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);

        var producer = Task.Run(async () =>
        {
            try
            {
                using var reader = new RawLogReader(path, parser.Source);
                var batch = new Batch<TRow>();
                while (reader.Read())
                {
                    rowsRead++;
                    lineSum += reader.LineNumber;
                    if (reader.Problem != null)
                        batch.Rejects.Add(new LoadReject(reader.LineNumber, reader.RawLine, reader.Problem, reader.ProblemDetail!));
                    else if (parser.TryParse(reader, out var row, out var reason, out var detail))
                        batch.Rows[batch.Count++] = row;
                    else
                        batch.Rejects.Add(new LoadReject(reader.LineNumber, reader.RawLine, reason, detail));
                    if (batch.Count == BatchSize || batch.Rejects.Count == BatchSize)
                    {
                        await channel.Writer.WriteAsync(batch, stop.Token);
                        batch = new Batch<TRow>();
                    }
                }
                await channel.Writer.WriteAsync(batch, stop.Token);
                channel.Writer.Complete();
            }
            catch (Exception e)
            {
                channel.Writer.Complete(e);
                throw;
            }
        }, stop.Token);

        long staged = 0, rejected = 0;
        try
        {
            using var tx = connection.BeginTransaction();
            SearchLogDatabase.Execute(connection, SqlDialect.DropTable(stagingTable), tx);
            var schema = new TableSchema(stagingTable, parser.StagingSchema.Columns.Where(c => c.Name != "run_id").ToList());
            SearchLogDatabase.Execute(connection, dialect.CreateTable(schema, stagingTable, rowIdColumn: "line_number"), tx);
            var rejects = new List<LoadReject>();
            using (var writer = StagingWriter.Create(connection, tx, stagingTable, schema.ColumnNames.ToList()))
            {
                await foreach (var batch in channel.Reader.ReadAllAsync(ct))
                {
                    for (var i = 0; i < batch.Count; i++) parser.Write(writer, batch.Rows[i]);
                    // Rejects wait until the COPY ends (PostgreSQL cannot interleave two COPYs on one connection).
                    rejects.AddRange(batch.Rejects);
                }
                writer.Complete();
                staged = writer.Rows;
            }
            using (var writer = StagingWriter.Create(connection, tx, rejectedTable, StagingRejectedColumns))
            {
                foreach (var r in rejects)
                {
                    writer.Text(parser.Source.Name); writer.Long(r.Line); writer.Text(r.RawLine); writer.Text(r.Reason); writer.Text(r.Detail);
                    writer.Null(); writer.Null(); writer.Text(runId);
                    writer.EndRow();
                }
                writer.Complete();
                rejected = writer.Rows;
            }
            // Both backends add a column with a constant default without rewriting the rows.
            SearchLogDatabase.Execute(connection, $"ALTER TABLE {stagingTable} ADD COLUMN run_id TEXT NOT NULL DEFAULT '{runId}'", tx);
            if (!dialect.IsSqlite) SearchLogDatabase.Execute(connection, $"ANALYZE {stagingTable}", tx);
            tx.Commit();
        }
        catch
        {
            stop.Cancel(); // a producer blocked on a full channel would wait forever
            // A structural problem in the file, thrown by the producer, explains the failure best: it propagates here.
            try { await producer; } catch (OperationCanceledException) { }
            throw;
        }
        await producer;
        return new LoadCounts(rowsRead, lineSum, staged, rejected, info.Length, info.LastWriteTimeUtc);
    }

    /// <summary>Columns of <c>stg_rejected</c>, as <see cref="CleanSchema.Rejected"/>; raw_line is filled later for
    /// rows that SQL rejects.</summary>
    internal static readonly IReadOnlyList<string> StagingRejectedColumns =
        ["source_table", "line_number", "raw_line", "reason", "detail", "merged_into", "merged_into_line", "run_id"];
}
