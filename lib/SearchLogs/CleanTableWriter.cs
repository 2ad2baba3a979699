using System.Collections.Concurrent;
using System.Data.Common;
using System.Threading.Channels;

namespace Workbook.SearchLogs;

/// <summary>What a write pass saw and wrote: every record of the file once, either clean or rejected.</summary>
internal sealed record WriteCounts(long RowsRead, long LineSum, long Clean, long CleanLineSum, long Rejected, long RejectedLineSum);

/// <summary>A raw row that goes to <c>rejected_rows</c>.</summary>
internal readonly record struct RejectRow(long Line, string RawLine, string Reason, string? Detail, string? MergedInto = null, long? MergedIntoLine = null);

/// <summary>A slice of a batch's UTF-8 text arena.</summary>
internal readonly record struct TextRef(int Offset, int Length);

/// <summary>Rows parsed by the producer for the writer. Text values live in one UTF-8 arena per batch, bound to
/// SQLite as they are: no string per value, no UTF-16 round trip.</summary>
internal sealed class RowBatch<TRow>
{
    public const int Size = 8192;
    public readonly TRow[] Rows = new TRow[Size];
    public int Count;
    public readonly List<RejectRow> Rejects = [];
    public byte[] Text = new byte[Size * 64];
    private int _textLength;
    public bool Full => Count == Size || Rejects.Count >= Size;
    public void Add(in TRow row) => Rows[Count++] = row;

    /// <summary>Empties the batch for reuse (its arrays are large-object-heap sized: reusing them keeps the GC quiet).</summary>
    public RowBatch<TRow> Reset()
    {
        Count = 0;
        _textLength = 0;
        Rejects.Clear();
        return this;
    }

    public TextRef Append(ReadOnlySpan<byte> utf8)
    {
        var at = Reserve(utf8.Length);
        utf8.CopyTo(Text.AsSpan(at));
        return new TextRef(at, utf8.Length);
    }

    /// <summary>The UTC timestamp text of <paramref name="unixMs"/>, formatted straight into the arena.</summary>
    public TextRef AppendUtc(long unixMs)
    {
        var at = Reserve(24);
        LogTimestamp.FormatUtc(unixMs, Text.AsSpan(at, 24));
        return new TextRef(at, 24);
    }

    private int Reserve(int length)
    {
        if (_textLength + length > Text.Length) Array.Resize(ref Text, Math.Max(Text.Length * 2, _textLength + length));
        var at = _textLength;
        _textLength += length;
        return at;
    }
}

/// <summary>Decides each record of one log during the write pass: a clean row or a reject (possibly held back until
/// the row it is compared with has been read).</summary>
internal interface IRowDecider<TRow>
{
    RawLogSource Source { get; }
    /// <summary>The clean table's layout without run_id (added afterwards as a constant default: no per-row cost).</summary>
    TableSchema Schema { get; }
    void Decide(RawLogReader reader, RowBatch<TRow> batch);
    /// <summary>Throws when rows are still held back at the end of the file.</summary>
    void Finish();
    void Write(StagingWriter writer, byte[] text, in TRow row);
    long LineOf(in TRow row);
}

/// <summary>
/// The write pass of one log: parses every record in full on one thread and writes it once, straight into its final
/// staging table (clean or rejected), on another; a bounded channel between the two keeps memory flat. SQLite gets
/// both tables through prepared statements in one transaction; PostgreSQL gets the clean rows through binary COPY and
/// the rejects (a few percent) in a second COPY once the first is done, as one connection cannot interleave two.
/// </summary>
internal static class CleanTableWriter
{
    public static async Task<WriteCounts> WriteAsync<TRow>(
        DbConnection connection, string path, IRowDecider<TRow> decider, string cleanTable, string rejectedTable, bool createRejected,
        string runId, (long Length, DateTime WriteTimeUtc) indexedFile, CancellationToken ct)
    {
        var dialect = SqlDialect.Of(connection);
        var channel = Channel.CreateBounded<RowBatch<TRow>>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
        long rowsRead = 0, lineSum = 0;
        // Batches go back to the producer once the writer has bound and run every row of them (it binds 64 rows at a
        // time, so a batch's text must outlive the batch by up to one statement).
        var pool = new ConcurrentQueue<RowBatch<TRow>>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);

        var producer = Task.Run(async () =>
        {
            try
            {
                using var reader = new RawLogReader(path, decider.Source);
                if (reader.FileLength != indexedFile.Length || reader.FileWriteTimeUtc != indexedFile.WriteTimeUtc)
                    throw new SearchLogFormatException(path, 0, null, "the file changed while the pipeline was running");
                var batch = new RowBatch<TRow>();
                RowBatch<TRow> Next() => pool.TryDequeue(out var b) ? b.Reset() : new RowBatch<TRow>();
                while (reader.Read())
                {
                    rowsRead++;
                    lineSum += reader.LineNumber;
                    decider.Decide(reader, batch);
                    if (batch.Full)
                    {
                        await channel.Writer.WriteAsync(batch, stop.Token);
                        batch = Next();
                    }
                }
                decider.Finish();
                await channel.Writer.WriteAsync(batch, stop.Token);
                channel.Writer.Complete();
            }
            catch (Exception e)
            {
                channel.Writer.Complete(e);
                throw;
            }
        }, stop.Token);

        long clean = 0, cleanSum = 0, rejected = 0, rejectedSum = 0;
        try
        {
            using var tx = connection.BeginTransaction();
            SearchLogDatabase.Execute(connection, SqlDialect.DropTable(cleanTable), tx);
            SearchLogDatabase.Execute(connection, dialect.CreateTable(decider.Schema, cleanTable, rowIdColumn: "line_number"), tx);
            var rejectedSchema = new TableSchema(rejectedTable, CleanSchema.Rejected.Columns.Where(c => c.Name != "run_id").ToList());
            if (createRejected)
            {
                SearchLogDatabase.Execute(connection, SqlDialect.DropTable(rejectedTable), tx);
                SearchLogDatabase.Execute(connection, dialect.CreateTable(rejectedSchema, rejectedTable), tx);
            }
            var held = new List<RejectRow>();
            var written = new Queue<(RowBatch<TRow> Batch, long RowsUpTo)>();
            using (var cleanWriter = StagingWriter.Create(connection, tx, cleanTable, decider.Schema.ColumnNames.ToList()))
            using (var rejectWriter = dialect.IsSqlite ? StagingWriter.Create(connection, tx, rejectedTable, rejectedSchema.ColumnNames.ToList()) : null)
            {
                await foreach (var batch in channel.Reader.ReadAllAsync(ct))
                {
                    for (var i = 0; i < batch.Count; i++)
                    {
                        decider.Write(cleanWriter, batch.Text, batch.Rows[i]);
                        cleanSum += decider.LineOf(batch.Rows[i]);
                    }
                    foreach (var r in batch.Rejects)
                    {
                        rejected++;
                        rejectedSum += r.Line;
                        if (rejectWriter != null) WriteReject(rejectWriter, decider.Source.Name, r);
                        else held.Add(r);
                    }
                    written.Enqueue((batch, cleanWriter.Rows));
                    while (written.Count > 0 && written.Peek().RowsUpTo <= cleanWriter.RowsDone) pool.Enqueue(written.Dequeue().Batch);
                }
                cleanWriter.Complete();
                rejectWriter?.Complete();
                clean = cleanWriter.Rows;
            }
            if (held.Count > 0)
            {
                using var w = StagingWriter.Create(connection, tx, rejectedTable, rejectedSchema.ColumnNames.ToList());
                foreach (var r in held) WriteReject(w, decider.Source.Name, r);
                w.Complete();
            }
            // Both backends add a column with a constant default without rewriting the rows.
            SearchLogDatabase.Execute(connection, $"ALTER TABLE {cleanTable} ADD COLUMN run_id TEXT NOT NULL DEFAULT '{runId}'", tx);
            if (createRejected)
                SearchLogDatabase.Execute(connection, $"ALTER TABLE {rejectedTable} ADD COLUMN run_id TEXT NOT NULL DEFAULT '{runId}'", tx);
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
        return new WriteCounts(rowsRead, lineSum, clean, cleanSum, rejected, rejectedSum);
    }

    private static void WriteReject(StagingWriter w, string source, in RejectRow r)
    {
        w.Text(source); w.Long(r.Line); w.Text(r.RawLine); w.Text(r.Reason); w.Text(r.Detail); w.Text(r.MergedInto);
        if (r.MergedIntoLine is { } line) w.Long(line); else w.Null();
        w.EndRow();
    }
}
