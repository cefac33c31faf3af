import { render } from 'preact';
import { App } from './components/shell/App.js';
import { startConsole } from './state/index.js';
import './styles.css';

startConsole();
render(<App />, document.getElementById('app')!);
