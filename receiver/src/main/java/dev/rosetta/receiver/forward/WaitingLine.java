package dev.rosetta.receiver.forward;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What both queues share: the committed entries in order, waiting for the batcher, and the
 * capacity they hold. Thread-safe; the lock is held only to add to or take from the deque.
 */
abstract class WaitingLine implements ExportQueue {
  final Capacity capacity;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  /** Committed entries, oldest first. Guarded by {@link #lock}. */
  private final ArrayDeque<QueueEntry> waiting = new ArrayDeque<>();
  /** Set by {@link #wakeUp()}, cleared by the poll it ends. Guarded by {@link #lock}. */
  private boolean woken;

  WaitingLine(Capacity capacity) {
    this.capacity = capacity;
  }

  @Override
  public void commit(QueueEntry entry) {
    lock.lock();
    try {
      waiting.add(entry);
      notEmpty.signal();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public QueueEntry poll(long nanos) throws InterruptedException {
    lock.lock();
    try {
      long left = nanos;
      while (waiting.isEmpty() && !woken && left > 0) {
        left = notEmpty.awaitNanos(left);
      }
      woken = false;
      QueueEntry e = waiting.poll();
      if (e != null) {
        capacity.release(e.units());
      }
      return e;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void wakeUp() {
    lock.lock();
    try {
      woken = true;
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public List<QueueEntry> drainWaiting() {
    lock.lock();
    try {
      List<QueueEntry> out = new ArrayList<>(waiting);
      waiting.clear();
      for (QueueEntry e : out) {
        capacity.release(e.units());
      }
      return out;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long size() {
    return capacity.used();
  }

  @Override
  public long capacity() {
    return capacity.limit();
  }
}
