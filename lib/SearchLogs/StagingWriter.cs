using System.Runtime.CompilerServices;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using SQLitePCL;

namespace Workbook.SearchLogs;

/// <summary>
/// Appends rows to one table as fast as each backend allows: SQLite through a prepared multi-row INSERT reused for
/// every batch, PostgreSQL through binary COPY. Values are given in column order, then <see cref="EndRow"/>.
/// Runs inside the caller's transaction, so a failed load leaves nothing behind.
/// </summary>
internal abstract class StagingWriter : IDisposable
{
    public long Rows { get; protected set; }
    /// <summary>Rows already handed to the database: the buffers of the values given for them may be reused.</summary>
    public virtual long RowsDone => Rows;

    public static StagingWriter Create(DbConnection connection, DbTransaction transaction, string table, IReadOnlyList<string> columns) =>
        connection switch
        {
            SqliteConnection s => new SqliteWriter(s, (SqliteTransaction)transaction, table, columns),
            NpgsqlConnection n => new PostgresWriter(n, table, columns),
            _ => throw new NotSupportedException(connection.GetType().Name),
        };

    public abstract void Text(string? value);
    /// <summary>UTF-8 text in <paramref name="buffer"/>, which must stay unchanged until <see cref="Complete"/>
    /// (rows are bound in batches).</summary>
    public abstract void Utf8(byte[] buffer, int offset, int length);
    internal void Utf8(byte[] arena, TextRef text) => Utf8(arena, text.Offset, text.Length);
    public void Utf8(byte[] whole) => Utf8(whole, 0, whole.Length);
    public abstract void Long(long value);
    public abstract void Int(int value);
    public abstract void Real(double? value);
    public abstract void Null();
    public abstract void EndRow();
    /// <summary>Writes what is buffered; without it the rows are discarded.</summary>
    public abstract void Complete();
    public virtual void Dispose() { }

    /// <summary>SQLite through SQLitePCL directly: a prepared 64-row INSERT bound value by value from typed slots.
    /// Microsoft.Data.Sqlite's parameter objects (boxing, re-binding every parameter on each execute) cost more than
    /// SQLite's own insert work at this volume. The statement runs on the connection's handle, so inside the caller's
    /// transaction.</summary>
    private sealed class SqliteWriter : StagingWriter
    {
        private const int RowsPerStatement = 64;
        private enum Kind : byte { Null, Text, Long, Real, Utf8 }

        private readonly SqliteConnection _connection;
        private readonly string _table;
        private readonly IReadOnlyList<string> _columns;
        private readonly sqlite3_stmt _batch;
        private readonly Kind[] _kinds;
        private readonly string?[] _texts;
        private readonly byte[]?[] _utf8;
        private readonly int[] _lengths;
        private readonly long[] _longs;
        private readonly double[] _reals;
        private int _row, _slot;

        public SqliteWriter(SqliteConnection connection, SqliteTransaction transaction, string table, IReadOnlyList<string> columns)
        {
            (_connection, _table, _columns) = (connection, table, columns);
            _ = transaction; // the connection's handle is already inside it
            _batch = Prepare(RowsPerStatement);
            var slots = RowsPerStatement * columns.Count;
            (_kinds, _texts, _longs, _reals) = (new Kind[slots], new string?[slots], new long[slots], new double[slots]);
            (_utf8, _lengths) = (new byte[slots][], new int[slots]);
        }

        private sqlite3_stmt Prepare(int rows)
        {
            var values = string.Join(",", Enumerable.Repeat("(" + string.Join(",", Enumerable.Repeat("?", _columns.Count)) + ")", rows));
            Check(raw.sqlite3_prepare_v2(_connection.Handle, $"INSERT INTO {_table} ({string.Join(",", _columns)}) VALUES {values}", out var stmt));
            return stmt;
        }

        private void Check(int rc)
        {
            if (rc is not (raw.SQLITE_OK or raw.SQLITE_DONE))
                throw new SqliteException($"SQLite Error {rc}: '{raw.sqlite3_errmsg(_connection.Handle).utf8_to_string()}' inserting into {_table}.", rc);
        }

        public override long RowsDone => Rows - _row;

        public override void Text(string? value) { _kinds[_slot] = value == null ? Kind.Null : Kind.Text; _texts[_slot++] = value; }
        public override void Utf8(byte[] buffer, int offset, int length)
        {
            _kinds[_slot] = Kind.Utf8; _utf8[_slot] = buffer; _longs[_slot] = offset; _lengths[_slot++] = length;
        }

        public override void Long(long value) { _kinds[_slot] = Kind.Long; _longs[_slot++] = value; }
        public override void Int(int value) => Long(value);
        public override void Real(double? value) { _kinds[_slot] = value == null ? Kind.Null : Kind.Real; _reals[_slot++] = value ?? 0; }
        public override void Null() => _kinds[_slot++] = Kind.Null;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void EndRow()
        {
            Rows++;
            if (++_row < RowsPerStatement) return;
            Flush(_batch);
            Check(raw.sqlite3_reset(_batch));
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Flush(sqlite3_stmt stmt)
        {
            for (var i = 0; i < _slot; i++)
            {
                Check(_kinds[i] switch
                {
                    Kind.Text => raw.sqlite3_bind_text16(stmt, i + 1, _texts[i].AsSpan()),
                    // An empty span would bind a null pointer, i.e. NULL: bind '' as a string.
                    Kind.Utf8 => _lengths[i] == 0 ? raw.sqlite3_bind_text(stmt, i + 1, "")
                        : raw.sqlite3_bind_text(stmt, i + 1, new ReadOnlySpan<byte>(_utf8[i], (int)_longs[i], _lengths[i])),
                    Kind.Long => raw.sqlite3_bind_int64(stmt, i + 1, _longs[i]),
                    Kind.Real => raw.sqlite3_bind_double(stmt, i + 1, _reals[i]),
                    _ => raw.sqlite3_bind_null(stmt, i + 1),
                });
                _texts[i] = null;
                _utf8[i] = null;
            }
            Check(raw.sqlite3_step(stmt));
            _row = 0;
            _slot = 0;
        }

        public override void Complete()
        {
            if (_row == 0) return;
            var tail = Prepare(_row);
            try { Flush(tail); }
            finally { raw.sqlite3_finalize(tail); }
        }

        public override void Dispose() => raw.sqlite3_finalize(_batch);
    }

    private sealed class PostgresWriter(NpgsqlConnection connection, string table, IReadOnlyList<string> columns) : StagingWriter
    {
        private readonly NpgsqlBinaryImporter _copy =
            connection.BeginBinaryImport($"COPY {table} ({string.Join(",", columns)}) FROM STDIN (FORMAT BINARY)");
        private bool _inRow;

        private void Start()
        {
            if (_inRow) return;
            _copy.StartRow();
            _inRow = true;
        }

        public override void Text(string? value)
        {
            Start();
            if (value == null) _copy.WriteNull(); else _copy.Write(value, NpgsqlDbType.Text);
        }

        public override void Utf8(byte[] buffer, int offset, int length) => Text(System.Text.Encoding.UTF8.GetString(buffer, offset, length));

        public override void Long(long value) { Start(); _copy.Write(value, NpgsqlDbType.Bigint); }
        public override void Int(int value) { Start(); _copy.Write(value, NpgsqlDbType.Integer); }

        public override void Real(double? value)
        {
            Start();
            if (value == null) _copy.WriteNull(); else _copy.Write(value.Value, NpgsqlDbType.Double);
        }

        public override void Null() { Start(); _copy.WriteNull(); }
        public override void EndRow() { _inRow = false; Rows++; }
        public override void Complete() => _copy.Complete();
        public override void Dispose() => _copy.Dispose();
    }
}
