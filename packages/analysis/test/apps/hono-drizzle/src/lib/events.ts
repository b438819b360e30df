import { EventEmitter } from 'node:events';

export interface BlogEvents {
  'post.published': { postId: number; authorId: number };
  'comment.added': { commentId: number; postId: number };
}

// In-process: subscribers (search indexing, notifications) run here, after the caller has committed.
const emitter = new EventEmitter();

export const bus = {
  emit<K extends keyof BlogEvents>(type: K, payload: BlogEvents[K]): void {
    emitter.emit(type, payload);
  },
  on<K extends keyof BlogEvents>(type: K, listener: (payload: BlogEvents[K]) => void): void {
    emitter.on(type, listener);
  },
};
